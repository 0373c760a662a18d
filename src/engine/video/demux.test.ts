import { mkdtempSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobSource, BufferSource, EncodedPacketSink, type InputVideoTrack } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoDir } from '../testing/shared';
import { MADE_CLIPS, MADE_DURATION_S, MADE_SIZE, cannotMakeClips, makeClips } from './testing/make-clip';
import { checkComplete, openVideo, VideoSkipError, type OpenedVideo } from './demux';
import { REASON_EMPTY, REASON_NOT_VIDEO, REASON_NO_FRAMES, REASON_NO_TRACKS, REASON_NO_VIDEO_TRACK, codecNotDecoded, videoCutShort } from './skip-reasons';

const videoDir = join(demoDir, 'video');

interface ClipFacts {
  file: string;
  codec: string;
  duration: number;
}
const clips = (JSON.parse(readFileSync(join(videoDir, 'videos.json'), 'utf8')) as { clips: ClipFacts[] }).clips;
const portrait = (JSON.parse(readFileSync(join(videoDir, 'rotated', 'videos.json'), 'utf8')) as { clips: ClipFacts[] }).clips[0]!;

/** Node has no WebCodecs: a decoder that takes everything but HEVC, as Linux Chromium does. */
const noHevc = async (track: InputVideoTrack) => (await track.getCodec()) !== 'hevc';
const everything = async () => true;

// A file as a Blob read lazily from disk, like a File in the browser: BlobSource reads slices of it.
const open = async (path: string, canDecode = noHevc) => openVideo(new BlobSource(await openAsBlob(join(videoDir, path))), canDecode);
const openBytes = (bytes: Uint8Array, canDecode = noHevc) => openVideo(new BufferSource(bytes), canDecode);

async function reason(opening: Promise<OpenedVideo>): Promise<string> {
  const error = await opening.then(
    (v) => {
      v.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoSkipError);
  return (error as Error).message;
}

/** The end (seconds) of the last packet whose data is in the file. */
async function packetsEnd(video: OpenedVideo): Promise<{ count: number; end: number }> {
  let count = 0;
  let end = 0;
  for await (const p of new EncodedPacketSink(video.track).packets()) {
    count++;
    end = Math.max(end, p.timestamp + p.duration);
  }
  return { count, end };
}

describe('openVideo: the demo clips', () => {
  const codecs: Record<string, string> = { h264: 'avc', vp9: 'vp9' };
  test.each(clips.map((c) => [c.file, c] as const))('%s: codec, length and size', async (_file, clip) => {
    const video = await open(clip.file);
    try {
      expect(video.info).toEqual({ duration: expect.closeTo(clip.duration, 2) as number, width: 448, height: 448, codec: codecs[clip.codec], rotation: 0 });
      // Every frame is in the file: the packets run to the container's length.
      const { end } = await packetsEnd(video);
      expect(end).toBeCloseTo(clip.duration, 2);
      expect(() => checkComplete(video.info, end)).not.toThrow();
    } finally {
      video.close();
    }
  });

  test('the containers are MP4, WebM and QuickTime', async () => {
    const names = [];
    for (const clip of clips) {
      const video = await open(clip.file);
      names.push(await video.input.getFormat().then((f) => f.name));
      video.close();
    }
    expect(names).toEqual(['MP4', 'WebM', 'QuickTime File Format', 'MP4']);
  });

  test('rotated/portrait.mp4: the display matrix turns the stored frames 90° clockwise (ffprobe: rotation=-90)', async () => {
    const video = await open('rotated/portrait.mp4');
    try {
      expect(video.info).toEqual({ duration: expect.closeTo(portrait.duration, 2) as number, width: 448, height: 448, codec: 'avc', rotation: 90 });
      expect([await video.track.getCodedWidth(), await video.track.getCodedHeight()]).toEqual([448, 448]);
    } finally {
      video.close();
    }
  });

  test('the display size is the upright one: a stored landscape frame turned 90° is portrait', async () => {
    // A 90° display matrix on a 448 x 448 clip cannot show the swap; the track's own width and
    // height before rotation can, so check the rule there: display = coded turned by the rotation.
    const video = await open('rotated/portrait.mp4');
    try {
      const turned = video.info.rotation % 180 !== 0;
      const [w, h] = [await video.track.getSquarePixelWidth(), await video.track.getSquarePixelHeight()];
      expect([video.info.width, video.info.height]).toEqual(turned ? [h, w] : [w, h]);
    } finally {
      video.close();
    }
  });
});

// VP8 WebM, AV1 WebM and AV1 MP4: the demo clips lack them, so ffmpeg makes 3 s clips here.
const cannotMake = cannotMakeClips();
describe.skipIf(cannotMake)(`openVideo: VP8 and AV1 clips made by ffmpeg at test time${cannotMake ? ` (skipped: ${cannotMake})` : ''}`, () => {
  let dir = '';
  const paths = new Map<string, string>();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longclip-clips-'));
    for (const { clip, path } of await makeClips(dir)) paths.set(clip.file, path);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each(MADE_CLIPS.map((c) => [c.file, c] as const))('%s: codec, container, length and size', async (_file, clip) => {
    const video = await openVideo(new BlobSource(await openAsBlob(paths.get(clip.file)!)), noHevc);
    try {
      expect(video.info).toEqual({
        duration: expect.closeTo(MADE_DURATION_S, 1) as number,
        width: MADE_SIZE,
        height: MADE_SIZE,
        codec: clip.codec,
        rotation: 0,
      });
      expect((await video.input.getFormat()).name).toBe(clip.container);
      const { count, end } = await packetsEnd(video);
      expect(count).toBe(90);
      expect(end).toBeCloseTo(MADE_DURATION_S, 1);
      expect(() => checkComplete(video.info, end)).not.toThrow();
    } finally {
      video.close();
    }
  });
});

describe('openVideo: the bad clips get their reasons', () => {
  test('hevc.mp4 where HEVC does not decode: "HEVC video can\'t be decoded by this browser"', async () => {
    expect(await reason(open('bad/hevc.mp4'))).toBe("HEVC video can't be decoded by this browser");
    expect(codecNotDecoded('hevc')).toBe("HEVC video can't be decoded by this browser");
  });

  test('hevc.mp4 where HEVC decodes: read like any other', async () => {
    const video = await open('bad/hevc.mp4', everything);
    expect(video.info).toEqual({ duration: 3, width: 448, height: 448, codec: 'hevc', rotation: 0 });
    video.close();
  });

  test('other codecs are named the way people know them', () => {
    expect(['avc', 'vp8', 'vp9', 'av1', 'prores', null].map((c) => codecNotDecoded(c))).toEqual([
      "H.264 video can't be decoded by this browser",
      "VP8 video can't be decoded by this browser",
      "VP9 video can't be decoded by this browser",
      "AV1 video can't be decoded by this browser",
      "PRORES video can't be decoded by this browser",
      "video in an unknown codec can't be decoded by this browser",
    ]);
  });

  test('truncated.mp4 (cut at 40 KB, its header whole): the info reads, the frames stop at 12.6 s, and that is reported', async () => {
    const video = await open('bad/truncated.mp4');
    try {
      expect(video.info).toEqual({ duration: expect.closeTo(33.1667, 3) as number, width: 448, height: 448, codec: 'avc', rotation: 0 });
      const { count, end } = await packetsEnd(video);
      expect(count).toBe(379);
      expect(end).toBeCloseTo(12.633, 3);
      expect(() => checkComplete(video.info, end)).toThrow(videoCutShort(12_633, 33_167));
      expect(videoCutShort(12_633, 33_167)).toBe('the video is damaged: it stops at 0:12 of 0:33');
    } finally {
      video.close();
    }
  });

  test('not_a_video.mp4 (text): not a video', async () => {
    expect(await reason(open('bad/not_a_video.mp4'))).toBe(REASON_NOT_VIDEO);
  });

  test('empty.webm: empty file, as for a photo', async () => {
    expect(await reason(open('bad/empty.webm'))).toBe(REASON_EMPTY);
    expect(REASON_EMPTY).toBe('empty file');
  });

  test('an audio file: has no video track', async () => {
    expect(await reason(openBytes(wav(8000, 0.25)))).toBe(REASON_NO_VIDEO_TRACK);
  });

  const clip01 = readFileSync(join(videoDir, 'clip_01.mp4'));
  const clip02 = readFileSync(join(videoDir, 'clip_02.webm'));

  test('an MP4 cut inside its header (moov box): damaged, no track can be listed', async () => {
    expect(await reason(openBytes(clip01.subarray(0, 5000)))).toBe(REASON_NO_TRACKS);
  });

  test('an MP4 cut right after its header: damaged, no frame can be read', async () => {
    expect(await reason(openBytes(clip01.subarray(0, 12_800)))).toBe(REASON_NO_FRAMES);
    expect(REASON_NO_FRAMES).toBe('the video is damaged: no frame can be read');
  });

  test('a WebM cut before its first frame: damaged, no frame can be read', async () => {
    expect(await reason(openBytes(clip02.subarray(0, 1000)))).toBe(REASON_NO_FRAMES);
  });

  test('a WebM cut part way: its header still gives the length, so the cut is reported after the frames read', async () => {
    const video = await openBytes(clip02.subarray(0, 30_000));
    try {
      expect(video.info.duration).toBeCloseTo(30.2, 3);
      const { end } = await packetsEnd(video);
      expect(end).toBeLessThan(13);
      expect(() => checkComplete(video.info, end)).toThrow(/^the video is damaged: it stops at 0:12 of 0:30$/);
    } finally {
      video.close();
    }
  });
});

/** A mono 16-bit PCM WAV of silence. */
function wav(rate: number, seconds: number): Uint8Array {
  const samples = Math.round(rate * seconds);
  const out = new Uint8Array(44 + samples * 2);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples * 2, true);
  return out;
}
