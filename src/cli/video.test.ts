// Videos through the CLI on the demo model and the demo clips (../shared/demo/video): ffmpeg's
// frames are sampled by the engine's rule (every scene of videos.json has frames inside it),
// portrait.mp4 comes out upright (its display matrix applied once), the damaged clips get their
// outcome, `embed` lists frames, `--in` reuses a video's frames and `merge` keeps them. Without
// ffmpeg on the PATH (always tested) videos are skipped with one line. The tests that run
// ffmpeg are skipped where it is not installed.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../engine/bundle/manifest';
import { openIndexFile, type IndexReader } from '../engine/index-file/reader';
import { BufferSource } from '../engine/io/source';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { normalized } from '../engine/rank';
import { cosine, demoDir } from '../engine/testing/shared';
import { hasFfmpeg, infoFromProbe, openFfmpegVideo } from './ffmpeg-frames';
import { loadNodeEngine } from './node-engine';
import { decodeImageFile } from './sharp-decoder';
import { convertWithCli, runCli } from './testing/run-cli';

interface Clip {
  file: string;
  codec: string;
  duration: number;
  scenes: { scene: string; start: number; end: number }[];
}
const videoDir = join(demoDir, 'video');
const clips = (JSON.parse(readFileSync(join(videoDir, 'videos.json'), 'utf8')) as { clips: Clip[] }).clips;
const portrait = (JSON.parse(readFileSync(join(videoDir, 'rotated/videos.json'), 'utf8')) as { clips: Clip[] }).clips[0]!;
const ffmpeg = await hasFfmpeg();

const openFile = (path: string) => openIndexFile(new BufferSource(new Uint8Array(readFileSync(path)), path));

/** Each video entry's frames (times and unit vectors) by file name. */
async function framesByName(r: IndexReader): Promise<Map<string, { ms: number; vector: Float32Array }[]>> {
  const out = new Map<string, { ms: number; vector: Float32Array }[]>();
  for (const [i, p] of r.header.photos.entries()) {
    if (!p.video) continue;
    const vectors = await r.vectors(r.rows[i]!, r.rows[i + 1]! - r.rows[i]!);
    const frames = p.video.frames.map((ms, j) => ({ ms, vector: vectors[j]! }));
    for (const f of r.header.files) if (f.hash === p.hash) out.set(f.name, frames);
  }
  return out;
}

/** Mean absolute difference of two images' bytes (0..255). */
function pixelDistance(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

async function turned(file: string, degrees: number): Promise<RgbaImage> {
  const { data, info } = await sharp(file).rotate(degrees).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

describe('ffprobe facts', () => {
  it('reads the display matrix (clockwise degrees) and turns the size', () => {
    const stream = { codec_name: 'h264', width: 1920, height: 1080, duration: '12.5', side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] };
    expect(infoFromProbe({ streams: [stream] })).toEqual({ duration: 12.5, width: 1080, height: 1920, codec: 'avc', rotation: 90 });
    expect(infoFromProbe({ streams: [{ ...stream, side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] }] }).rotation).toBe(270);
    expect(infoFromProbe({ streams: [{ ...stream, side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] }] })).toMatchObject({
      rotation: 180,
      width: 1920,
    });
    expect(infoFromProbe({ streams: [{ codec_name: 'vp9', width: 4, height: 2, tags: { rotate: '90' } }], format: { duration: '3' } })).toEqual({
      duration: 3,
      width: 2,
      height: 4,
      codec: 'vp9',
      rotation: 90,
    });
    expect(() => infoFromProbe({ streams: [] })).toThrow('has no video track');
  });
});

describe('videos through the CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-video-'));
  const bundle = join(work, 'bundle');
  const media = join(work, 'Media');
  const out = join(work, 'media.lcindex');
  let manifest: BundleManifest;
  let indexed: { code: number; stderr: string } | null = null;

  beforeAll(async () => {
    const converted = await convertWithCli(join(demoDir, 'demo-longclip.pt'), bundle, 'fp16');
    expect(converted.code, converted.stderr).toBe(0);
    manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
    mkdirSync(join(media, 'bad'), { recursive: true });
    for (const c of clips) copyFileSync(join(videoDir, c.file), join(media, c.file));
    for (const f of ['hevc.mp4', 'truncated.mp4', 'not_a_video.mp4', 'empty.webm']) copyFileSync(join(videoDir, 'bad', f), join(media, 'bad', f));
    copyFileSync(join(demoDir, 'gallery', 'scene_000.png'), join(media, 'scene_000.png'));
    if (ffmpeg) {
      indexed = await runCli('index', [media, '--model', bundle, '--out', out]);
      expect(indexed.code, indexed.stderr).toBe(0);
    }
  }, 600_000);

  it('without ffmpeg on the PATH, videos are skipped with one line and the photos are indexed', async () => {
    const bin = join(work, 'bin-without-ffmpeg');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const env = { ...process.env, PATH: bin };
    expect(await hasFfmpeg(env)).toBe(false);
    const noVideos = join(work, 'no-videos.lcindex');
    const r = await runCli('index', [media, '--model', bundle, '--out', noVideos], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /video/.test(l) && !l.startsWith('wrote'))).toHaveLength(1);
    expect(r.stderr).toMatch(/^8 videos skipped: ffmpeg is not on the PATH/m);
    expect(r.stderr).toMatch(/wrote .*: 1 photos, 1 files \(1 embedded, 0 reused, 8 skipped\)/);
    expect((await openFile(noVideos)).header.photos).toHaveLength(1);
    const e = await runCli('embed', ['--model', bundle, '--images', media, '--out', join(work, 'no-videos.json')], env);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/^8 videos skipped: ffmpeg is not on the PATH/m);
    expect(e.stderr.match(/^.*video.*$/gm)!.filter((l) => !l.startsWith('wrote'))).toHaveLength(1);
  }, 300_000);

  it.skipIf(!ffmpeg)('indexes each clip by frames that cover every scene, at least one a second', async () => {
    const r = await openFile(out);
    expect(r.header.version).toBe(2);
    const byName = await framesByName(r);
    for (const clip of clips) {
      const frames = byName.get(clip.file)!;
      const entry = r.header.photos.find((p) => p.hash === r.header.files.find((f) => f.name === clip.file)!.hash)!;
      expect(entry).toMatchObject({ width: 448, height: 448, video: { codec: clip.codec === 'h264' ? 'avc' : clip.codec } });
      expect(entry.video!.duration).toBeCloseTo(clip.duration, 1);
      expect(entry.type).toBe({ '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime' }[clip.file.slice(clip.file.lastIndexOf('.'))]);
      const times = frames.map((f) => f.ms);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // One a second at least: no gap of more than a second, from the start to the end.
      expect(times[0]).toBe(0);
      for (let j = 1; j < times.length; j++) expect(times[j]! - times[j - 1]!, clip.file).toBeLessThanOrEqual(1000);
      expect(clip.duration * 1000 - times.at(-1)!).toBeLessThanOrEqual(1000);
      for (const s of clip.scenes)
        expect(
          times.some((ms) => ms >= s.start * 1000 && ms < s.end * 1000),
          `${clip.file} ${s.scene}`,
        ).toBe(true);
    }
  });

  it.skipIf(!ffmpeg)(
    "a frame's embedding is its scene's: decoded, preprocessed and embedded like a photo",
    async () => {
      const r = await openFile(out);
      const byName = await framesByName(r);
      const engine = await loadNodeEngine(bundle);
      const gallery = new Map<string, Float32Array>();
      for (const clip of clips.slice(0, 2)) {
        for (const s of clip.scenes) {
          const image = await decodeImageFile(join(demoDir, 'gallery', s.scene));
          const [e] = await engine.encodeImages(preprocessClip(image, engine.resolution, manifest.mean, manifest.std), 1);
          gallery.set(s.scene, normalized(e!));
        }
        for (const f of byName.get(clip.file)!) {
          const scene = clip.scenes.find((s) => f.ms >= s.start * 1000 + 100 && f.ms < s.end * 1000 - 100);
          if (!scene) continue; // a frame at a cut may show either side
          const best = [...gallery]
            .filter(([name]) => clip.scenes.some((s) => s.scene === name))
            .sort((a, b) => cosine(b[1], f.vector) - cosine(a[1], f.vector))[0]!;
          expect(best[0], `${clip.file} at ${f.ms} ms`).toBe(scene.scene);
          expect(cosine(gallery.get(scene.scene)!, f.vector)).toBeGreaterThan(0.98);
        }
      }
      await engine.release();
    },
    120_000,
  );

  it.skipIf(!ffmpeg)('frame thumbnails are WebP from the frame; the video thumbnail is its first frame’s, stored once', async () => {
    const r = await openFile(out);
    const i = r.header.photos.findIndex((p) => p.video && p.video.frames.length > 30);
    const p = r.header.photos[i]!;
    expect(p.frameThumbnails).toHaveLength(p.video!.frames.length);
    expect(p.thumbnail).toEqual(p.frameThumbnails![0]);
    const meta = await sharp((await r.frameThumbnail(i, 3))!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 320]);
    expect(p.frameThumbnails!.every((t) => t && t.type === 'image/webp')).toBe(true);
  });

  it.skipIf(!ffmpeg)('bad clips: HEVC indexed (ffmpeg decodes it), truncated indexed up to where it breaks, the others skipped with their reason', async () => {
    const stderr = indexed!.stderr;
    expect(stderr).toMatch(/skipped Media\/bad\/not_a_video\.mp4: not a readable video \(moov atom not found\)/);
    expect(stderr).toMatch(/skipped Media\/bad\/empty\.webm: empty file/);
    expect(stderr).toMatch(/partly indexed Media\/bad\/truncated\.mp4: the video is damaged: it stops at 0:12 of 0:33/);
    expect(stderr).toMatch(/wrote .*: 1 photos and 6 videos \(\d+ frames\), 7 files \(7 embedded, 0 reused, 2 skipped\)/);
    const r = await openFile(out);
    const byName = await framesByName(r);
    expect(byName.get('hevc.mp4')!.map((f) => f.ms)).toEqual([0, 1000, 2000]);
    expect(r.header.photos.find((p) => p.video?.codec === 'hevc')).toBeDefined();
    const truncated = byName.get('truncated.mp4')!.map((f) => f.ms);
    expect(truncated.at(-1)).toBeGreaterThan(12_000);
    expect(truncated.at(-1)).toBeLessThan(13_000);
    expect(byName.has('not_a_video.mp4') || byName.has('empty.webm')).toBe(false);
  });

  it.skipIf(!ffmpeg)('portrait.mp4 comes out upright: its display matrix applied once', async () => {
    const video = await openFfmpegVideo(join(videoDir, 'rotated', 'portrait.mp4'));
    expect(video.info.rotation).toBe(90);
    let checked = 0;
    for await (const f of video.frames()) {
      const scene = portrait.scenes.find((s) => f.ms >= s.start * 1000 + 100 && f.ms < s.end * 1000 - 100);
      if (!scene) continue;
      const file = join(demoDir, 'gallery', scene.scene);
      const upright = pixelDistance(f.image, await turned(file, 0));
      // Upright it is the scene up to the codec's noise; turned either way (no rotation, or twice) it is not.
      expect(upright, `${f.ms} ms`).toBeLessThan(8);
      for (const degrees of [90, 180, 270]) expect(pixelDistance(f.image, await turned(file, degrees))).toBeGreaterThan(upright * 3);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it.skipIf(!ffmpeg)(
    'embed lists each sampled frame with its path, time and raw embedding: the index’s vectors',
    async () => {
      const json = join(work, 'embed.json');
      const e = await runCli('embed', ['--model', bundle, '--images', join(videoDir, 'rotated'), join(demoDir, 'gallery', 'scene_000.png'), '--out', json]);
      expect(e.code, e.stderr).toBe(0);
      const embedded = JSON.parse(readFileSync(json, 'utf8')) as { images: { path: string }[]; frames: { path: string; time: number; embedding: number[] }[] };
      expect(embedded.images).toHaveLength(1);
      const own = join(work, 'portrait.lcindex');
      const p = join(work, 'Portrait');
      mkdirSync(p);
      copyFileSync(join(videoDir, 'rotated', 'portrait.mp4'), join(p, 'portrait.mp4'));
      const r = await runCli('index', [p, '--model', bundle, '--out', own]);
      expect(r.code, r.stderr).toBe(0);
      const frames = (await framesByName(await openFile(own))).get('portrait.mp4')!;
      expect(embedded.frames.map((f) => [f.path, f.time])).toEqual(frames.map((f) => [join(videoDir, 'rotated', 'portrait.mp4'), f.ms / 1000]));
      embedded.frames.forEach((f, j) => expect(cosine(f.embedding, frames[j]!.vector)).toBeGreaterThan(0.99999));
      // Each scene of the portrait clip is found at its moment from the scene's own picture.
      for (const s of portrait.scenes) {
        const image = await decodeImageFile(join(demoDir, 'gallery', s.scene));
        const engine = await loadNodeEngine(bundle);
        const [q] = await engine.encodeImages(preprocessClip(image, engine.resolution, manifest.mean, manifest.std), 1);
        await engine.release();
        const best = [...frames].sort((a, b) => cosine(q!, b.vector) - cosine(q!, a.vector))[0]!;
        expect(best.ms / 1000, s.scene).toBeGreaterThanOrEqual(s.start);
        expect(best.ms / 1000, s.scene).toBeLessThan(s.end);
      }
    },
    300_000,
  );

  it.skipIf(!ffmpeg)(
    '--in reuses the frames of a video already indexed; merge keeps videos',
    async () => {
      const more = join(work, 'More');
      mkdirSync(more);
      copyFileSync(join(videoDir, clips[0]!.file), join(more, 'again.mp4'));
      const next = join(work, 'next.lcindex');
      const r = await runCli('index', [more, '--model', bundle, '--in', out, '--out', next]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/video 1\/1/);
      expect(r.stderr).toMatch(/1 photos and 6 videos \(\d+ frames\), 8 files \(0 embedded, 7 reused\)/);
      const before = await framesByName(await openFile(out));
      const after = await framesByName(await openFile(next));
      const same = (a: { ms: number; vector: Float32Array }[], b: { ms: number; vector: Float32Array }[]) =>
        expect(a.map((f) => [f.ms, Array.from(f.vector)])).toEqual(b.map((f) => [f.ms, Array.from(f.vector)]));
      same(after.get('again.mp4')!, before.get(clips[0]!.file)!);
      for (const [name, frames] of before) same(after.get(name)!, frames);
      const merged = join(work, 'merged.lcindex');
      const m = await runCli('index', ['merge', out, next, '--out', merged]);
      expect(m.code, m.stderr).toBe(0);
      const mr = await openFile(merged);
      for (const [name, frames] of after) same((await framesByName(mr)).get(name)!, frames);
      const i = mr.header.photos.findIndex((p) => p.video);
      expect(Array.from((await mr.frameThumbnail(i, 1))!)).toEqual(Array.from((await (await openFile(out)).frameThumbnail(i, 1))!));
    },
    300_000,
  );
});
