import { describe, expect, test } from 'vitest';
import { BufferSource } from '../io/source';
import type { BundleManifest } from '../bundle/manifest';
import { checkSameModel, describeModel, modelIdentity, modelKey, ModelMismatchError } from '../bundle/identity';
import { openIndexFile } from './reader';
import { concat, hashOf, identity, sampleIndex, SHA_A, unitVector } from './testing';
import type { FileRecord } from '../records';
import { FILE_RECORD_KEYS, IndexFileError, PREAMBLE_BYTES } from './types';
import { toIndexRecord } from './file-records';
import { writeIndexFile } from './writer';

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
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(8, 2, true);
    expect(await refusal(v2)).toMatch(/version 2 is newer/);
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
