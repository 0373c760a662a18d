import { describe, expect, test } from 'vitest';
import { BufferSource } from '../io/source';
import type { BundleManifest } from '../bundle/manifest';
import { checkSameModel, describeModel, modelIdentity, modelKey, ModelMismatchError } from '../bundle/identity';
import { openIndexFile } from './reader';
import { concat, hashOf, identity, sampleIndex, sampleVideo, sampleVideoIndex, SHA_A, unitVector, V1_SAMPLE } from './testing';
import type { FileRecord } from '../records';
import { FILE_RECORD_KEYS, INDEX_FORMAT_VERSION, IndexFileError, PREAMBLE_BYTES } from './types';
import { toIndexRecord } from './file-records';
import { vectorsOf, writeIndexFile } from './writer';

const open = (bytes: Uint8Array) => openIndexFile(new BufferSource(bytes, 'test.lcindex'));

/** The file with its header JSON edited (the header length is fixed up; the body is kept). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const len = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + len))) as Record<string, unknown>;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 4) * 4).fill(0x20);
  padded.set(json);
  const pre = bytes.slice(0, PREAMBLE_BYTES);
  new DataView(pre.buffer).setUint32(12, padded.length, true);
  return concat([pre, padded, bytes.subarray(PREAMBLE_BYTES + len)]);
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const e = await open(bytes).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(IndexFileError);
  return (e as Error).message;
}

describe('index file', () => {
  test('its format is pinned: a field the database adds to its records never changes the file by accident', () => {
    const record = { path: 'a/b.jpg', name: 'b.jpg', folder: 'a', hash: hashOf(1), size: 3, lastModified: 4, type: 'image/jpeg', addedAt: 5, takenAt: 6 };
    // A newer database record, with a field this format does not know and one that is not plain.
    const newer = { ...record, rating: 4, faces: [{ x: 1 }] } as FileRecord;
    const photo = { hash: hashOf(1), width: 2, height: 3, type: 'image/jpeg', size: 3, vector: unitVector(8, 1), thumbnail: null };
    const bytes = concat(writeIndexFile({ createdBy: 'app', model: identity(), photos: [photo], files: [toIndexRecord(newer)] }));
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + len))) as Record<string, Record<string, unknown>[]>;
    expect(FILE_RECORD_KEYS).toEqual(['path', 'name', 'folder', 'hash', 'size', 'lastModified', 'type', 'addedAt']);
    expect(Object.keys(header)).toEqual(['format', 'version', 'createdAt', 'createdBy', 'model', 'photos', 'files', 'thumbnailBytes']);
    expect(Object.keys(header.model!)).toEqual(['sourceSha256', 'dtype', 'converterMajor', 'key', 'name', 'embedDim']);
    expect(Object.keys(header.photos![0]!)).toEqual(['hash', 'width', 'height', 'type', 'size', 'thumbnail']);
    // The known fields first, then the other plain ones flat beside them.
    expect(header.files![0]).toEqual({ ...record, rating: 4 });
    expect(Object.keys(header.files![0]!)).toEqual([...FILE_RECORD_KEYS, 'takenAt', 'rating']);
  });

  test('round-trips photos, files (extra fields included), embeddings and thumbnails', async () => {
    const { bytes, photos, files } = sampleIndex(5);
    const r = await open(bytes);
    expect(r.header.createdBy).toBe('cli');
    expect(r.header.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(r.header.model).toEqual(identity());
    expect(r.header.photos.map((p) => [p.hash, p.width, p.height, p.type, p.size])).toEqual(photos.map((p) => [p.hash, p.width, p.height, p.type, p.size]));
    expect(r.header.files).toEqual(files);
    expect(r.header.files[0]!.extra).toEqual({ takenAt: 1_600_000_000_000 });
    const vectors = await r.vectors(0, 5);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(photos[i]!.vector)));
    expect(Array.from((await r.vectors(3, 2))[1]!)).toEqual(Array.from(photos[4]!.vector));
    expect(r.rows).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 0; i < 5; i++) {
      const t = await r.thumbnail(i);
      if (photos[i]!.thumbnail) expect(Array.from(t!)).toEqual(Array.from(photos[i]!.thumbnail!.data));
      else expect(t).toBeNull();
    }
  });

  test('an empty index is valid', async () => {
    const r = await open(concat(writeIndexFile({ createdBy: 'app', model: identity(), photos: [], files: [] })));
    expect(r.header.photos).toEqual([]);
  });

  test('toIndexRecord keeps the known fields and carries other plain ones', () => {
    const record = {
      path: 'a/b.jpg',
      name: 'b.jpg',
      folder: 'a',
      hash: hashOf(1),
      size: 3,
      lastModified: 4,
      type: 'image/jpeg',
      addedAt: 5,
      takenAt: 6,
      note: { x: 1 },
    };
    expect(toIndexRecord(record)).toEqual({
      path: 'a/b.jpg',
      name: 'b.jpg',
      folder: 'a',
      hash: hashOf(1),
      size: 3,
      lastModified: 4,
      type: 'image/jpeg',
      addedAt: 5,
      extra: { takenAt: 6 },
    });
  });

  test('the identity is the app model key: source SHA-256, dtype, converter major version', () => {
    const manifest = {
      source: { sha256: SHA_A, fileName: 'x.pt' },
      dtype: 'float16',
      converter: { name: 'longclip-search', version: '1.4.2' },
      architecture: { embedDim: 8 },
    } as unknown as BundleManifest;
    const id = modelIdentity(manifest, 'x');
    expect(id.key).toBe(modelKey(manifest));
    expect(id).toMatchObject({ sourceSha256: SHA_A, dtype: 'float16', converterMajor: 1, embedDim: 8 });
  });

  test('another model is refused with a message naming both', () => {
    const other = { ...identity('b'.repeat(64)), name: 'other' };
    expect(() => checkSameModel(identity(), identity(), 'This index', 'the loaded model', 'Load that model to import it.')).not.toThrow();
    expect(() => checkSameModel(identity(), other, 'This index', 'the loaded model', 'Load that model to import it.')).toThrow(ModelMismatchError);
    expect(() => checkSameModel(identity(), other, 'This index', 'the loaded model', 'Load that model to import it.')).toThrow(
      `This index was made with test-model (aaaaaaaaaaaa…, float16, converter 1); the loaded model is other (bbbbbbbbbbbb…, float16, converter 1). Load that model to import it.`,
    );
    expect(describeModel(identity(SHA_A, 8, 'int8'))).toBe('test-model (aaaaaaaaaaaa…, int8, converter 1)');
  });

  test.each<[string, (h: Record<string, unknown>) => void, RegExp]>([
    ['a bad hash', (h) => ((h.photos as { hash: string }[])[1]!.hash = 'xyz'), /photos\[1\]\.hash is not a SHA-256/],
    ['an upper-case hash', (h) => ((h.files as { hash: string }[])[0]!.hash = 'A'.repeat(64)), /files\[0\]\.hash is not a SHA-256/],
    ['a repeated photo', (h) => ((h.photos as { hash: string }[])[1]!.hash = hashOf(1)), /photos\[1\] repeats the photo/],
    ['a repeated path', (h) => ((h.files as { path: string }[])[1]!.path = 'Holidays/img_0.png'), /files\[1\] repeats the path/],
    ['a path that is not a string', (h) => ((h.files as { path: unknown }[])[2]!.path = 7), /files\[2\]\.path must be a string/],
    ['an empty path', (h) => ((h.files as { path: unknown }[])[2]!.path = ''), /files\[2\]\.path is empty/],
    ['a file of a missing photo', (h) => ((h.files as { hash: string }[])[2]!.hash = hashOf(99)), /files\[2\] .* names a photo that is not in the file/],
    ['a photo without a file', (h) => (h.files as unknown[]).splice(1, 1), /photos\[1\] .* has no file/],
    ['a wrong key', (h) => ((h.model as { key: string }).key = 'x'), /model\.key "x" does not match/],
    ['an unknown dtype', (h) => ((h.model as { dtype: string }).dtype = 'int4'), /model\.dtype must be float32, float16 or int8/],
    ['another format', (h) => (h.format = 'zip'), /format is "zip"/],
    ['a negative width', (h) => ((h.photos as { width: number }[])[0]!.width = -1), /photos\[0\]\.width must be a whole number/],
    ['a thumbnail past its section', (h) => ((h.photos as { thumbnail: { offset: number } }[])[2]!.thumbnail.offset = 1e6), /photos\[2\]\.thumbnail\.offset/],
    [
      'a thumbnail of another type',
      (h) => ((h.photos as { thumbnail: { type: string } }[])[0]!.thumbnail.type = 'text/html'),
      /thumbnail\.type must be image\/webp/,
    ],
    ['a missing photo list', (h) => delete h.photos, /photos is not a list/],
    ['more photos than embeddings', (h) => (h.photos as unknown[]).push((h.photos as unknown[])[0]), /the file's size does not match its header: 4 embeddings/],
    ['another embedding size', (h) => ((h.model as { embedDim: number }).embedDim = 9), /does not match/],
    ['an absurd embedding size', (h) => ((h.model as { embedDim: number }).embedDim = 1e9), /model\.embedDim must be a whole number from 1 to 4096/],
  ])('refuses %s', async (_, edit, message) => {
    expect(await refusal(withHeader(sampleIndex(3).bytes, edit))).toMatch(message);
  });

  test('refuses bad magic, versions, sizes and vectors with clear messages', async () => {
    const { bytes } = sampleIndex(3);
    expect(await refusal(new Uint8Array(4))).toMatch(/too short/);
    expect(await refusal(new TextEncoder().encode('PK\x03\x04 this is a zip file'))).toMatch(/not an index file/);
    const v3 = bytes.slice();
    new DataView(v3.buffer).setUint32(8, 3, true);
    expect(await refusal(v3)).toMatch(/version 3 is newer/);
    const v0 = bytes.slice();
    new DataView(v0.buffer).setUint32(8, 0, true);
    expect(await refusal(v0)).toMatch(/version 0 is not supported \(this version reads 1 and 2\)/);
    const big = bytes.slice();
    new DataView(big.buffer).setUint32(12, 0xfffffff0, true);
    expect(await refusal(big)).toMatch(/header .* passes the end of the file/);
    expect(await refusal(bytes.subarray(0, bytes.length - 1))).toMatch(/does not match its header.*truncated/);
    expect(await refusal(concat([bytes, new Uint8Array(4)]))).toMatch(/does not match its header/);
    await expect(openIndexFile(new BufferSource(bytes), { maxHeaderBytes: 64 })).rejects.toThrow(/header is too large/);
    const header = new DataView(bytes.buffer).getUint32(12, true);
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(PREAMBLE_BYTES + header + 8 * 4 + 4, NaN, true);
    expect(await refusal(nan)).toMatch(/embedding of photos\[1\] holds a value that is not a finite number/);
    const zero = bytes.slice();
    zero.fill(0, PREAMBLE_BYTES + header + 2 * 8 * 4, PREAMBLE_BYTES + header + 3 * 8 * 4);
    expect(await refusal(zero)).toMatch(/embedding of photos\[2\] is all zeros/);
    const badJson = bytes.slice();
    badJson[PREAMBLE_BYTES] = 0x7b + 1;
    expect(await refusal(badJson)).toMatch(/header is not valid JSON/);
  });
});

describe('index file version 2: videos', () => {
  test('writes version 2; a file without videos is the version 1 layout', async () => {
    const { bytes, photos } = sampleIndex(2);
    expect(INDEX_FORMAT_VERSION).toBe(2);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    // Apart from the version (in the preamble and the header, where 1 and 2 are one digit), byte for byte the version 1 writer's.
    const v1 = V1_SAMPLE.slice();
    expect(v1.length).toBe(bytes.length);
    const r = await open(bytes);
    expect(r.rows).toEqual([0, 1, 2]);
    expect(Array.from((await r.vectors(1, 1))[0]!)).toEqual(Array.from(photos[1]!.vector));
    const diff = [...bytes].flatMap((b, i) => (b === v1[i] ? [] : [i]));
    expect(diff.length).toBe(2);
  });

  test('a version 1 file (written before videos) is still read', async () => {
    const r = await open(V1_SAMPLE);
    const { photos, files } = sampleIndex(2);
    expect(r.header.version).toBe(1);
    expect(r.header.photos.map((p) => p.hash)).toEqual(photos.map((p) => p.hash));
    expect(r.header.photos.every((p) => p.video === undefined && p.frameThumbnails === undefined)).toBe(true);
    expect(r.header.files).toEqual(files);
    expect(r.rows).toEqual([0, 1, 2]);
    const vectors = await r.vectors(0, 2);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(photos[i]!.vector)));
    expect(Array.from((await r.thumbnail(0))!)).toEqual(Array.from(photos[0]!.thumbnail!.data));
    expect(await r.thumbnail(1)).toBeNull();
    // Version 1 knew no videos: a `video` there is ignored, as the version 1 reader ignored it.
    const withVideo = withHeader(V1_SAMPLE, (h) => ((h.photos as Record<string, unknown>[])[0]!.video = { duration: 1, frames: [0, 1], codec: 'x' }));
    expect((await open(withVideo)).header.photos[0]!.video).toBeUndefined();
  });

  test('round-trips videos: their records, frame rows in entry order and frame thumbnails', async () => {
    const { bytes, photos, files } = sampleVideoIndex();
    const r = await open(bytes);
    expect(r.header.version).toBe(2);
    expect(r.header.files).toEqual(files);
    // photo, video of 3 frames, photo, video of 4 frames
    expect(r.rows).toEqual([0, 1, 4, 5, 9]);
    const all = await r.vectors(0, 9);
    expect(all.map((v) => Array.from(v))).toEqual(photos.flatMap(vectorsOf).map((v) => Array.from(v)));
    for (const [i, p] of photos.entries()) {
      const got = r.header.photos[i]!;
      expect([got.hash, got.width, got.height, got.type, got.size]).toEqual([p.hash, p.width, p.height, p.type, p.size]);
      if (!p.video) {
        expect(got.video).toBeUndefined();
        expect(got.frameThumbnails).toBeUndefined();
        continue;
      }
      expect(got.video).toEqual(p.video);
      const frames = await r.vectors(r.rows[i]!, r.rows[i + 1]! - r.rows[i]!);
      expect(frames.map((v) => Array.from(v))).toEqual(p.frameRows.map((f) => Array.from(f.vector)));
      for (const [j, f] of p.frameRows.entries()) {
        const t = await r.frameThumbnail(i, j);
        if (f.thumbnail) {
          expect(Array.from(t!)).toEqual(Array.from(f.thumbnail.data));
          expect(got.frameThumbnails![j]).toMatchObject({ type: 'image/webp', width: 32, height: 18 });
        } else expect(t).toBeNull();
      }
      // The video's own thumbnail is its first frame's, stored once.
      expect(Array.from((await r.thumbnail(i))!)).toEqual(Array.from(p.frameRows[0]!.thumbnail!.data));
      expect(got.thumbnail!.offset).toBe(got.frameThumbnails![0]!.offset);
    }
    expect(await r.frameThumbnail(0, 0)).toBeNull();
    expect(await r.frameThumbnail(1, 99)).toBeNull();
    // Photo 0 has 10 bytes, photo 2 none; the videos 5 + 6 and 5 + 6 + 8 (every third frame has none, the first frame's counted once).
    expect(r.header.thumbnailBytes).toBe(10 + (5 + 6) + (5 + 6 + 8));
  });

  test('the header of a video entry: the photo fields, then video and frameThumbnails', () => {
    const { bytes } = sampleVideoIndex();
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + len))) as { photos: Record<string, unknown>[] };
    expect(Object.keys(header.photos[0]!)).toEqual(['hash', 'width', 'height', 'type', 'size', 'thumbnail']);
    expect(Object.keys(header.photos[1]!)).toEqual(['hash', 'width', 'height', 'type', 'size', 'thumbnail', 'video', 'frameThumbnails']);
    expect(Object.keys(header.photos[1]!.video!)).toEqual(['duration', 'frames', 'codec']);
  });

  test('the writer refuses frame rows that do not match the frame times', () => {
    const video = sampleVideo(1, 3, 8);
    const write = (v: typeof video) =>
      writeIndexFile({ createdBy: 'app', model: identity(), photos: [v], files: [{ ...sampleVideoIndex().files[1]!, hash: v.hash }] });
    expect(() => write({ ...video, frameRows: video.frameRows.slice(1) })).toThrow(/2 frame embeddings for 3 frame times/);
    expect(() => write({ ...video, video: { ...video.video, frames: [] }, frameRows: [] })).toThrow(/at least one/);
    expect(() => write({ ...video, frameRows: [{ vector: [1], thumbnail: null }, ...video.frameRows.slice(1)] })).toThrow(/embedding of 1 values/);
  });

  test.each<[string, (h: Record<string, unknown>) => void, RegExp]>([
    ['frames out of order', (h) => (video(h).frames = [0, 1000, 500]), /photos\[1\]\.video\.frames\[2\] \(500 ms\) does not come after/],
    ['a repeated frame time', (h) => (video(h).frames = [0, 0, 500]), /does not come after/],
    ['a fractional frame time', (h) => (video(h).frames = [0, 0.5, 1]), /photos\[1\]\.video\.frames\[1\] must be a whole number/],
    ['a negative frame time', (h) => (video(h).frames = [-1, 0, 1]), /frames\[0\] must be a whole number from 0/],
    ['a frame time past a week', (h) => (video(h).frames = [0, 1, 1e12]), /frames\[2\] must be a whole number from 0 to 604800000/],
    ['no frames', (h) => (video(h).frames = []), /photos\[1\]\.video\.frames is empty/],
    ['frames that are not a list', (h) => (video(h).frames = { length: 3 }), /photos\[1\]\.video\.frames is not a list/],
    ['more frames than rows', (h) => (video(h).frames = [0, 1, 2, 3]), /the file's size does not match its header: 10 embeddings/],
    ['a video that is not an object', (h) => (entry(h, 1).video = 'avc'), /photos\[1\]\.video is not an object/],
    ['a negative duration', (h) => (video(h).duration = -1), /photos\[1\]\.video\.duration must be from 0/],
    ['an infinite duration', (h) => (video(h).duration = 'Infinity'), /photos\[1\]\.video\.duration must be a number/],
    ['a codec that is not text', (h) => (video(h).codec = 5), /photos\[1\]\.video\.codec must be a string/],
    ['missing frame thumbnails', (h) => delete entry(h, 1).frameThumbnails, /photos\[1\]\.frameThumbnails is not a list/],
    ['a frame thumbnail too few', (h) => (entry(h, 3).frameThumbnails as unknown[]).pop(), /photos\[3\]\.frameThumbnails has 3 entries for 4 frames/],
    [
      'a frame thumbnail past its section',
      (h) => ((entry(h, 3).frameThumbnails as { offset: number }[])[1]!.offset = 1e6),
      /photos\[3\]\.frameThumbnails\[1\]\.offset/,
    ],
    ['frame thumbnails on a photo', (h) => (entry(h, 0).frameThumbnails = []), /photos\[0\]\.frameThumbnails is given for a photo that is not a video/],
    ['a video turned into a photo', (h) => delete entry(h, 1).video, /the file's size does not match its header: 7 embeddings/],
  ])('refuses %s', async (_, edit, message) => {
    expect(await refusal(withHeader(sampleVideoIndex().bytes, edit))).toMatch(message);
  });

  test('a bad frame embedding is named by its video and time', async () => {
    const { bytes } = sampleVideoIndex();
    const header = new DataView(bytes.buffer).getUint32(12, true);
    const nan = bytes.slice();
    // Row 3: the third frame (1000 ms) of photos[1].
    new DataView(nan.buffer).setFloat32(PREAMBLE_BYTES + header + 3 * 8 * 4, NaN, true);
    expect(await refusal(nan)).toMatch(/embedding of photos\[1\] at 1000 ms holds a value that is not a finite number/);
    const zero = bytes.slice();
    zero.fill(0, PREAMBLE_BYTES + header + 4 * 8 * 4, PREAMBLE_BYTES + header + 5 * 8 * 4);
    expect(await refusal(zero)).toMatch(/embedding of photos\[2\] is all zeros/);
  });
});

const entry = (h: Record<string, unknown>, i: number) => (h.photos as Record<string, unknown>[])[i]!;
const video = (h: Record<string, unknown>) => entry(h, 1).video as Record<string, unknown>;
