// The worker's video frame source in Chromium (src/worker/video-frames.ts through a test page):
// the sampling rule on the demo clips of each container (a sample at least every second, one
// inside every scene, one at every cut), the display matrix of rotated/portrait.mp4 applied
// exactly once (each sampled frame is closest to its gallery scene, upright), and the bad
// clips' reasons, and VP8 WebM, AV1 WebM and AV1 MP4 clips made by ffmpeg at test time. Decode
// speed per container is printed, not asserted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { VideoReport } from './harness/video-harness';
import { MADE_CLIPS, MADE_CUT_S, MADE_DURATION_S, MADE_SCENES, cannotMakeClips, makeClips } from '../src/engine/video/testing/make-clip';
import { demoDir, readJson, serveShared } from './shared-files';

interface Clip {
  file: string;
  codec: string;
  duration: number;
  scenes: { scene: string; start: number; end: number }[];
}
const clips = (readJson(join(demoDir, 'video', 'videos.json')) as { clips: Clip[] }).clips;
const portrait = (readJson(join(demoDir, 'video', 'rotated', 'videos.json')) as { clips: Clip[] }).clips[0]!;

/** A cut is sampled at the first candidate after it (candidates every 100 ms) plus a frame's slack. */
const CUT_SLACK_MS = 150;

async function openHarness(page: Page): Promise<void> {
  await serveShared(page);
  await page.goto('/e2e/harness/video.html');
  await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const run = (page: Page, url: string, scenes: string[] = [], startMs = 0): Promise<VideoReport> =>
  page.evaluate(([u, s, from]) => window.videoHarness.run(u, s, from), [url, scenes, startMs] as const);

function speed(name: string, r: VideoReport): void {
  const s = r.stats!;
  console.log(
    `${name}: ${s.decoded} frames (${s.seconds.toFixed(1)} s of video) in ${r.wallSeconds.toFixed(2)} s: ${(s.decoded / r.wallSeconds).toFixed(0)} frames/s, ` +
      `${(s.seconds / r.wallSeconds).toFixed(1)} video s/s; ${s.candidates} candidates, ${s.sampled} sampled; decoder frame rotation ${s.frameRotation}`,
  );
}

function checkSampling(clip: Clip, r: VideoReport): void {
  expect(r.error, clip.file).toBeNull();
  const times = r.samples.map((s) => s.ms);
  expect(times[0], clip.file).toBe(0);
  // In time order, at least one a second, to the end.
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  expect(Math.min(...gaps), clip.file).toBeGreaterThan(0);
  expect(Math.max(...gaps), `${clip.file}: the longest gap`).toBeLessThanOrEqual(1000 + 100);
  expect(clip.duration * 1000 - times.at(-1)!, `${clip.file}: the last sample`).toBeLessThanOrEqual(1100);
  for (const scene of clip.scenes) {
    const [start, end] = [Math.round(scene.start * 1000), Math.round(scene.end * 1000)];
    expect(
      times.some((t) => t >= start && t < end),
      `${clip.file}: a sample inside ${scene.scene} [${start}, ${end}) ms`,
    ).toBe(true);
    if (start > 0) {
      const cut = times.find((t) => t >= start - 34 && t <= start + CUT_SLACK_MS);
      expect(cut, `${clip.file}: a sample within ${CUT_SLACK_MS} ms of the cut at ${start} ms (samples ${times.join(', ')})`).toBeDefined();
    }
  }
  for (const s of r.samples) expect([s.width, s.height]).toEqual([448, 448]);
}

test.describe('video frame source', () => {
  test('the four demo clips: one sample a second and one at every cut, each showing its scene', async ({ page }) => {
    await openHarness(page);
    for (const clip of clips) {
      const sceneUrls = clip.scenes.map((s) => `/__shared/demo/gallery/${s.scene}`);
      const r = await run(page, `/__shared/demo/video/${clip.file}`, sceneUrls);
      speed(clip.file, r);
      checkSampling(clip, r);
      expect(r.info).toEqual({
        duration: expect.closeTo(clip.duration, 2) as unknown,
        width: 448,
        height: 448,
        codec: clip.codec === 'h264' ? 'avc' : clip.codec,
        rotation: 0,
      });
      // Samples well inside a scene (a frame away from its cuts) show that scene, upright.
      for (const s of r.samples) {
        const scene = clip.scenes.find((sc) => s.ms >= sc.start * 1000 + 40 && s.ms < sc.end * 1000 - 40);
        if (!scene) continue;
        expect(s.closest, `${clip.file} at ${s.ms} ms`).toMatchObject({ scene: scene.scene, turn: 0 });
      }
    }
  });

  test('rotated/portrait.mp4: the display matrix is applied once, so every frame is upright', async ({ page }) => {
    await openHarness(page);
    const sceneUrls = portrait.scenes.map((s) => `/__shared/demo/gallery/${s.scene}`);
    const r = await run(page, '/__shared/demo/video/rotated/portrait.mp4', sceneUrls);
    speed('portrait.mp4', r);
    expect(r.info).toMatchObject({ rotation: 90, width: 448, height: 448, codec: 'avc' });
    checkSampling(portrait, r);
    let checked = 0;
    for (const s of r.samples) {
      const scene = portrait.scenes.find((sc) => s.ms >= sc.start * 1000 + 40 && s.ms < sc.end * 1000 - 40);
      if (!scene) continue;
      checked++;
      // Turn 0: upright. Not applied would match the scene turned 270°, applied twice 180°.
      expect(s.closest, `portrait.mp4 at ${s.ms} ms`).toMatchObject({ scene: scene.scene, turn: 0 });
      expect(s.closest.distance, `portrait.mp4 at ${s.ms} ms: upright clearly closer than any other turn`).toBeLessThan(s.runnerUp / 2);
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  test('the bad clips: HEVC, truncated, not a video, empty', async ({ page }) => {
    await openHarness(page);
    const bad = (name: string) => run(page, `/__shared/demo/video/bad/${name}`);

    const hevc = await bad('hevc.mp4');
    expect(hevc.error).toBe("HEVC video can't be decoded by this browser");
    expect(hevc.samples).toEqual([]);

    // Cut at 40 KB, its header whole: the frames up to the cut (12.6 s of 33.2), then the reason.
    const truncated = await bad('truncated.mp4');
    speed('truncated.mp4', truncated);
    expect(truncated.error).toBe('the video is damaged: it stops at 0:12 of 0:33');
    const times = truncated.samples.map((s) => s.ms);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBeGreaterThan(11_500);
    expect(times.at(-1)).toBeLessThan(12_700);
    checkSampling({ ...clips[0]!, duration: times.at(-1)! / 1000, scenes: clips[0]!.scenes.filter((s) => s.end < 12.5) }, { ...truncated, error: null });

    expect((await bad('not_a_video.mp4')).error).toBe('not a video (the content is not MP4, MOV, WebM or Matroska)');
    expect((await bad('empty.webm')).error).toBe('empty file');
  });

  test('a decoding error part way: the frames before it, then the reason', async ({ page }) => {
    // 6 KB of noise written over the middle of clip_01.mp4 and clip_02.webm (made here, never stored).
    const noisy = (file: string, from: number) => {
      const bytes = Buffer.from(readFileSync(join(demoDir, 'video', file)));
      for (let i = from; i < from + 6000; i++) bytes[i] = (i * 7919) & 255;
      return bytes;
    };
    await page.route('**/__noisy/*', (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop()!;
      return route.fulfill({ body: noisy(file, file.endsWith('.webm') ? 30_000 : 40_000) });
    });
    await openHarness(page);
    for (const file of ['clip_01.mp4', 'clip_02.webm']) {
      const r = await run(page, `/__noisy/${file}`);
      expect(r.errorName, file).toBe('VideoSkipError');
      expect(r.error, file).toMatch(/^the video is damaged: a frame at 0:1\d could not be decoded$/);
      expect(r.samples.length, file).toBeGreaterThan(10);
      expect(r.samples.at(-1)!.ms, file).toBeGreaterThan(10_000);
    }
  });

  test('a resumed video starts at its time; an abort stops the frames with the signal', async ({ page }) => {
    await openHarness(page);
    const resumed = await run(page, '/__shared/demo/video/clip_03.mov', [], 12_345);
    expect(resumed.error).toBeNull();
    expect(resumed.samples[0]).toMatchObject({ reason: 'first' });
    expect(resumed.samples[0]!.ms).toBeGreaterThanOrEqual(12_345);
    expect(resumed.samples[0]!.ms).toBeLessThan(12_345 + 34);
    expect(resumed.samples.at(-1)!.ms).toBeGreaterThan(28_000);

    const r = await page.evaluate(() => window.videoHarness.abortAfter('/__shared/demo/video/clip_02.webm', 3));
    expect(r).toEqual({ got: 3, error: 'stopped by the test' });
  });
});

// The demo clips are H.264 and VP9 only; these 3 s clips (scene_000 for 1.5 s, a hard cut to
// scene_001) are encoded by ffmpeg into a temp folder and served to the page under /__made/.
const cannotMake = cannotMakeClips();
test.describe('video frame source: VP8 and AV1 clips made by ffmpeg at test time', () => {
  test.skip(cannotMake !== null, cannotMake ?? '');
  let dir = '';
  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longclip-clips-'));
    await makeClips(dir);
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const made of MADE_CLIPS) {
    test(`${made.file} (${made.encoder}): decodes, a sample in the first scene at 0 and about 1 s, one just after the cut, each showing its scene`, async ({
      page,
    }) => {
      await page.route('**/__made/*', (route) => {
        const file = new URL(route.request().url()).pathname.split('/').pop()!;
        if (!MADE_CLIPS.some((c) => c.file === file)) return route.fulfill({ status: 404 });
        return route.fulfill({ status: 200, body: readFileSync(join(dir, file)) });
      });
      await openHarness(page);
      const clip: Clip = { file: made.file, codec: made.codec, duration: MADE_DURATION_S, scenes: MADE_SCENES };
      const r = await run(
        page,
        `/__made/${made.file}`,
        MADE_SCENES.map((s) => `/__shared/demo/gallery/${s.scene}`),
      );
      speed(made.file, r);
      expect(r.error, `${made.file}: decoded by this Chromium`).toBeNull();
      expect(r.info).toEqual({ duration: expect.closeTo(MADE_DURATION_S, 1) as unknown, width: 448, height: 448, codec: made.codec, rotation: 0 });
      checkSampling(clip, r);
      const times = r.samples.map((s) => s.ms);
      const cut = MADE_CUT_S * 1000;
      expect(times[0]).toBe(0);
      expect(
        times.some((t) => t >= 900 && t <= 1100),
        `${made.file}: a sample about 1 s in (samples ${times.join(', ')})`,
      ).toBe(true);
      expect(
        times.some((t) => t >= cut && t <= cut + CUT_SLACK_MS),
        `${made.file}: a sample within ${CUT_SLACK_MS} ms after the cut (samples ${times.join(', ')})`,
      ).toBe(true);
      // Every sample, those at the cut included, is closest to its own scene, upright.
      for (const s of r.samples) {
        const scene = s.ms < cut ? MADE_SCENES[0]! : MADE_SCENES[1]!;
        expect(s.closest, `${made.file} at ${s.ms} ms`).toMatchObject({ scene: scene.scene, turn: 0 });
      }
    });
  }
});
