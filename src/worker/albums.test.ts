// Zero-shot albums through the worker's service in Node: the demo gallery indexed from the queue
// as the page indexes it (float32 and float16 weights), then sorted into zeroshot.json's
// categories from the stored embeddings, against the official labels and scores; class vectors
// are kept, bad input is refused.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sharpPhotoDecoder } from '../cli/sharp-decoder';
import { demoGallery } from '../cli/testing/demo-library';
import type { PhotoDecoder } from '../engine/embed/image-embedder';
import { ClipEngine } from '../engine/session/clip-engine';
import { demoDir, goldensDir } from '../engine/testing/shared';
import { LibraryConnection } from '../library/connection';
import { enqueue } from '../library/queue';
import { NO_DEBUG } from './debug-flags';
import { EngineService, type ServiceRequestType } from './engine-service';
import type { BlobThumbnail } from './photo-decoder';
import type { RequestOf, ResultOf } from './protocol';

ort.env.wasm.numThreads = 1;

interface ZeroShotSet {
  labels: string[];
  templates: string[];
  images: { file: string; label: string; margin: number; scores: number[] }[];
}
const sets = (JSON.parse(readFileSync(join(demoDir, 'zeroshot.json'), 'utf8')) as { sets: Record<string, ZeroShotSet> }).sets;

const decoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes, type, request) {
    const { thumbnail, ...decoded } = await sharpPhotoDecoder.decode(bytes, type, request);
    return { ...decoded, thumbnail: thumbnail && { ...thumbnail, data: new Blob([thumbnail.data as Uint8Array<ArrayBuffer>], { type: thumbnail.type }) } };
  },
};

describe.each(['float32', 'float16'] as const)('albums: the demo gallery sorted by the worker from its stored embeddings (%s weights)', (dtype) => {
  const databaseName = `albums-service-${dtype}`;
  const service = new EngineService({ ort, decoder, emit: () => undefined, gpu: undefined, locks: undefined, channel: null, databaseName });
  const call = <T extends ServiceRequestType>(req: RequestOf<T>): Promise<ResultOf[T]> => service.handle(req, new AbortController().signal, () => undefined);
  /** File name of each indexed photo, by hash. */
  const fileOf = new Map<string, string>();

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await call({ type: 'init', forceProvider: null, timedProviders: {}, debug: NO_DEBUG });
    await expect(call({ type: 'albums', labels: ['navy'], templates: ['a {}'], hashes: null })).rejects.toThrow(/Load a model first/);
    const files = [
      new File([readFileSync(join(demoDir, 'demo-longclip.pt'))], 'demo-longclip.pt'),
      new File([readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))], 'bpe_simple_vocab_16e6.txt.gz'),
    ];
    await call({ type: 'load-model', source: { kind: 'files', files, dtype } });
    const db = await new LibraryConnection({ name: databaseName }).open();
    await enqueue(
      db,
      demoGallery.map((name) => ({ file: new File([readFileSync(join(demoDir, 'gallery', name))], name, { type: 'image/png' }), path: `gallery/${name}` })),
    );
    expect(await call({ type: 'index-queue', join: false })).toMatchObject({ embedded: demoGallery.length, skipped: [] });
    for (const f of await db.getAll('files')) fileOf.set(f.hash, f.path.replace(/^gallery\//, ''));
    db.close();
  }, 300_000);

  afterAll(() => vi.restoreAllMocks());

  test.each(Object.keys(sets))('%s: every photo gets the official label and scores', async (name) => {
    const set = sets[name]!;
    const albums = await call({ type: 'albums', labels: set.labels, templates: set.templates, hashes: null });
    expect(albums.labels).toEqual(set.labels);
    expect(new Set(albums.hashes.map((h) => fileOf.get(h)))).toEqual(new Set(set.images.map((im) => im.file)));
    expect(albums.hashes).toHaveLength(set.images.length);
    const official = new Map(set.images.map((im) => [im.file, im]));
    albums.hashes.forEach((hash, i) => {
      const im = official.get(fileOf.get(hash)!)!;
      const best = albums.best[i]!;
      if (im.margin >= 0.002) expect(set.labels[best], im.file).toBe(im.label);
      expect(albums.score[i]).toBeCloseTo(im.scores[best]!, 2);
      const sorted = im.scores.toSorted((a, b) => b - a);
      expect(Math.abs(albums.margin[i]! - (sorted[0]! - sorted[1]!))).toBeLessThanOrEqual(0.02);
      expect(albums.spread[i]).toBeGreaterThan(0);
    });
  });

  test('photos named by hash are scored as the whole library scores them, unknown and repeated ones dropped', async () => {
    const set = sets.backgrounds!;
    const all = await call({ type: 'albums', labels: set.labels, templates: set.templates, hashes: null });
    const some = [all.hashes[3]!, 'not-a-photo', all.hashes[7]!, all.hashes[3]!];
    const part = await call({ type: 'albums', labels: set.labels, templates: set.templates, hashes: some });
    expect(part.hashes).toEqual([all.hashes[3], all.hashes[7]]);
    expect(Array.from(part.best)).toEqual([all.best[3], all.best[7]]);
    // Rows read back from the int8 planes and scored exactly, against the planes' own scoring: within 1e-5.
    expect(part.score[0]).toBeCloseTo(all.score[3]!, 4);
    expect(part.score[1]).toBeCloseTo(all.score[7]!, 4);
  });

  test('class vectors are kept per categories and templates: sorting again encodes no text', async () => {
    const encode = vi.spyOn(ClipEngine.prototype, 'encodeTexts');
    const labels = ['red', 'green'];
    await call({ type: 'albums', labels, templates: ['a {} picture.'], hashes: null });
    const first = encode.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    await call({ type: 'albums', labels, templates: ['a {} picture.'], hashes: null });
    expect(encode.mock.calls.length).toBe(first);
    await call({ type: 'albums', labels, templates: ['a {} photo.'], hashes: null });
    expect(encode.mock.calls.length).toBeGreaterThan(first);
    encode.mockRestore();
  });

  test('bad categories or templates are refused with a message, and the index is kept', async () => {
    await expect(call({ type: 'albums', labels: [], templates: ['a {}'], hashes: null })).rejects.toThrow(/no categories/);
    await expect(call({ type: 'albums', labels: ['navy', 'navy'], templates: ['a {}'], hashes: null })).rejects.toThrow(/listed twice/);
    await expect(call({ type: 'albums', labels: ['navy'], templates: ['a photo'], hashes: null })).rejects.toThrow(/has no \{\}/);
    expect(await call({ type: 'embedded' })).toHaveLength(demoGallery.length);
  });
});
