// Videos in the queue run, over fake-indexeddb with a stand-in frame source and encoder: frames
// are committed a batch at a time under "<hash>@<ms>", the video's record last; a run that dies
// part way resumes with the frames it had; a video that breaks part way keeps what was read.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EncodeImages, PhotoDecoder } from '../engine/embed/image-embedder';
import { EmbeddingMatrix } from '../engine/rank';
import type { VideoFrameSource } from '../engine/video/frame-source';
import { openLibraryDb, type LibraryDb } from '../library/db';
import { enqueue } from '../library/queue';
import { readVector } from '../library/vector-blocks';
import { indexQueue, type IndexContext } from './indexer';
import type { BlobThumbnail } from './photo-decoder';
import type { QueueRunSummary } from './protocol';
import { videoProgress, type VideoReader } from './video-indexer';

vi.mock('../engine/preprocess/photo-check', () => ({ checkPhotoBytes: () => ({ format: 'png', width: 2, height: 2 }) }));
vi.mock('../engine/preprocess/clip-preprocess', () => ({
  preprocessClip: (image: { data: Uint8Array }, r: number, _mean: unknown, _std: unknown, out = new Float32Array(3 * r * r), offset = 0) => {
    out.fill(0, offset, offset + 3 * r * r);
    out[offset] = image.data[0]!;
    out[offset + 1] = 1;
    return out;
  },
}));

const MODEL = 'demo:float16:v1';
const R = 2;
const DIM = 4;
const model = { resolution: R, mean: [0, 0, 0], std: [1, 1, 1] };
let n = 0;
let db: LibraryDb;
beforeEach(async () => {
  db = await openLibraryDb({ name: `video-indexer-${++n}` });
});

const decoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes) {
    return {
      image: { width: 2, height: 2, data: bytes },
      width: 2,
      height: 2,
      thumbnail: { data: new Blob([bytes as Uint8Array<ArrayBuffer>]), type: 'image/webp', width: 2, height: 2 },
    };
  },
};

/**
 * A "video" file: byte 0 is 0xee for one that is not a video; byte 1 the number of frames (one a
 * second); byte 2, when not 0, the frame after which decoding fails.
 */
const video = (name: string, frames: number, failAfter = 0, tag = 1) =>
  new File([new Uint8Array([tag, frames, failAfter, 7])], name, { type: 'video/mp4', lastModified: 5 });

const reader: VideoReader & { opened: number } = {
  opened: 0,
  async open(file) {
    const [tag, frames, failAfter] = new Uint8Array(await file.arrayBuffer());
    if (tag === 0xee) throw new Error('not a video (the content is not MP4, MOV or WebM)');
    this.opened++;
    const source: VideoFrameSource = {
      info: { duration: frames!, width: 4, height: 2, codec: 'avc', rotation: 0 },
      async *frames() {
        for (let i = 0; i < frames!; i++) {
          if (failAfter && i === failAfter) throw new Error('the video is damaged (truncated)');
          yield { ms: i * 1000, image: { width: 2, height: 2, data: new Uint8Array(16).fill(10 + i + tag!) }, reason: i ? 'interval' : 'first' };
        }
      },
      close() {},
    };
    return source;
  },
  async thumbnail(image) {
    return { data: new Blob([image.data as Uint8Array<ArrayBuffer>], { type: 'image/webp' }), type: 'image/webp', width: 2, height: 2 };
  },
};

function fakeEncoder(failOnCall = 0) {
  let calls = 0;
  const size = 3 * R * R;
  const embed: EncodeImages = async (pixels, count) => {
    calls++;
    if (calls === failOnCall) throw new Error('the tab was closed');
    return Array.from({ length: count }, (_, i) => new Float32Array([pixels[i * size]!, pixels[i * size + 1]!, 0, 0]));
  };
  return { embed, calls: () => calls };
}

async function matrixFromDb(): Promise<EmbeddingMatrix> {
  const m = new EmbeddingMatrix(DIM, 16, { prefilter: 'never' });
  for (const r of await db.getAllFromIndex('embeddings', 'by-model', MODEL)) m.add(r.hash, (await readVector(db, MODEL, r.hash))!);
  return m;
}

async function context(encode: EncodeImages, overrides: Partial<IndexContext> = {}): Promise<IndexContext> {
  return {
    db,
    modelKey: MODEL,
    matrix: await matrixFromDb(),
    model,
    encode,
    decoder,
    signal: new AbortController().signal,
    whenRunning: async () => {},
    onProgress: () => {},
    onIndexed: () => {},
    onFiled: () => {},
    onFrames: () => {},
    video: reader,
    ...overrides,
  };
}
const summary = (): QueueRunSummary => ({ files: 0, embedded: 0, skipped: [], joined: false, waitingForPermission: 0, left: 0, stopped: null });
const never = () => false;
const frameRows = async () => (await db.getAllFromIndex('embeddings', 'by-model', MODEL)).map((e) => e.hash).filter((k) => k.includes('@'));

describe('videos in the queue run', () => {
  it('indexes a video by its frames, keyed by time, its record written last; photos beside it too', async () => {
    const photo = new File([new Uint8Array([3, 1, 2, 3])], 'a.png', { type: 'image/png' });
    await enqueue(db, [
      { file: photo, path: 'a.png' },
      { file: video('clip.mp4', 6), path: 'clip.mp4' },
    ]);
    const indexed: string[] = [];
    const frames: string[] = [];
    const details: string[] = [];
    const done = await indexQueue(
      await context(fakeEncoder().embed, {
        onIndexed: (h) => indexed.push(...h),
        onFrames: (h) => frames.push(h),
        onProgress: (p) => p.detail && details.push(p.detail),
      }),
      never,
      summary(),
    );
    expect(done).toMatchObject({ files: 2, embedded: 2, skipped: [], left: 0 });
    const hash = (await db.get('files', 'clip.mp4'))!.hash;
    expect(indexed).toContain(hash);
    expect(new Set(frames)).toEqual(new Set([hash]));
    const record = (await db.get('photos', hash))!;
    expect(record.video).toEqual({ duration: 6, frames: [0, 1000, 2000, 3000, 4000, 5000], codec: 'avc' });
    expect([record.width, record.height]).toEqual([4, 2]);
    expect((await frameRows()).sort()).toEqual([0, 1000, 2000, 3000, 4000, 5000].map((ms) => `${hash}@${ms}`).sort());
    expect(await db.get('thumbnails', `${hash}@3000`)).toBeTruthy();
    expect(await db.get('thumbnails', hash)).toBeTruthy();
    expect(details.at(-1)).toBe('Indexing clip.mp4: 5 of 6 s');
    expect(await db.count('queue')).toBe(0);

    // The same bytes again, under another name: no frame is decoded or embedded.
    await enqueue(db, [{ file: video('again.mp4', 6), path: 'again.mp4' }]);
    const opened = reader.opened;
    const encoder = fakeEncoder();
    await indexQueue(await context(encoder.embed), never, summary());
    expect(encoder.calls()).toBe(0);
    expect(reader.opened).toBe(opened);
    expect((await db.get('files', 'again.mp4'))!.hash).toBe(hash);
  });

  it('a run that dies part way keeps the committed frames; the next embeds only the rest', async () => {
    await enqueue(db, [{ file: video('clip.mp4', 10, 0, 2), path: 'clip.mp4' }]);
    await expect(indexQueue(await context(fakeEncoder(2).embed), never, summary())).rejects.toThrow('the tab was closed');
    expect(await frameRows()).toHaveLength(4);
    expect(await db.count('photos')).toBe(0);
    expect(await db.count('queue')).toBe(1);

    const encoder = fakeEncoder();
    const done = await indexQueue(await context(encoder.embed), never, summary());
    expect(done).toMatchObject({ embedded: 1, left: 0 });
    expect(encoder.calls()).toBe(2); // 6 frames left: 4 + 2
    expect(await frameRows()).toHaveLength(10);
    const hash = (await db.get('files', 'clip.mp4'))!.hash;
    expect((await db.get('photos', hash))!.video!.frames).toHaveLength(10);
    expect(await db.get('thumbnails', hash)).toBeTruthy();
  });

  it('a video that breaks part way keeps what was read and says so; one that is not a video is skipped', async () => {
    await enqueue(db, [
      { file: video('broken.mp4', 9, 5, 3), path: 'broken.mp4' },
      { file: new File([new Uint8Array([0xee, 0, 0])], 'notes.mp4', { type: 'video/mp4' }), path: 'notes.mp4' },
      { file: new File([], 'empty.webm', { type: 'video/webm' }), path: 'empty.webm' },
    ]);
    const done = await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect(done.skipped).toEqual([
      { path: 'broken.mp4', reason: 'only the first 0:05 was indexed: the video is damaged (truncated)' },
      { path: 'notes.mp4', reason: 'not a video (the content is not MP4, MOV or WebM)' },
      { path: 'empty.webm', reason: 'empty file' },
    ]);
    expect(done.embedded).toBe(1);
    const hash = (await db.get('files', 'broken.mp4'))!.hash;
    expect((await db.get('photos', hash))!.video!.frames).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(await db.get('files', 'notes.mp4')).toBeUndefined();
    expect(await db.count('queue')).toBe(0);
    // The job keeps the notes for a reload.
    expect(await db.count('jobs')).toBe(0);
  });

  it("says a long video's time as m:ss", () => {
    expect(videoProgress('clip_03.mov', 34.4, 60)).toBe('Indexing clip_03.mov: 0:34 of 1:00');
    expect(videoProgress('a.mp4', 3.9, 12)).toBe('Indexing a.mp4: 3 of 12 s');
  });
});
