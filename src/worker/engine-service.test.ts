// The worker's service, run in Node (fake-indexeddb, onnxruntime-web's WASM, sharp standing in
// for the browser's decoders): it indexes the golden images from the persisted queue, and its
// stored embeddings are bit for bit those `npm run index` writes, because both embed through the
// engine's one image embedder (same checks, preprocessing, batches and normalising).
import 'fake-indexeddb/auto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sharpPhotoDecoder } from '../cli/sharp-decoder';
import { convertWithCli, runCli } from '../cli/testing/run-cli';
import type { PhotoDecoder } from '../engine/embed/image-embedder';
import { openIndexFile } from '../engine/index-file/reader';
import { BufferSource } from '../engine/io/source';
import { goldensDir, readF32 } from '../engine/testing/shared';
import { LibraryConnection } from '../library/connection';
import { enqueue } from '../library/queue';
import { NO_DEBUG } from './debug-flags';
import { EngineService, type ServiceRequestType } from './engine-service';
import type { BlobThumbnail } from './photo-decoder';
import type { RequestOf, ResultOf, WorkerEvent } from './protocol';
import { readVector } from '../library/vector-blocks';

ort.env.wasm.numThreads = 1;

/** sharp's decoding, with the thumbnail in a Blob as the worker stores it. */
const decoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes, type, request) {
    const { thumbnail, ...decoded } = await sharpPhotoDecoder.decode(bytes, type, request);
    return { ...decoded, thumbnail: thumbnail && { ...thumbnail, data: new Blob([thumbnail.data as Uint8Array<ArrayBuffer>], { type: thumbnail.type }) } };
  },
};

let n = 0;

describe.each(['fp16', 'int8'] as const)('the worker and npm run index embed the golden images identically (%s bundle)', (dtype) => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-service-'));
  const bundle = join(work, 'bundle');
  const photos = join(work, 'golden');
  const databaseName = `service-${dtype}-${++n}`;
  const events: WorkerEvent[] = [];
  const service = new EngineService({ ort, decoder, emit: (e) => events.push(e), gpu: undefined, locks: undefined, channel: null, databaseName });
  const call = <T extends ServiceRequestType>(req: RequestOf<T>): Promise<ResultOf[T]> => service.handle(req, new AbortController().signal, () => undefined);
  let cliVectors: Map<string, number[]>;

  beforeAll(async () => {
    // The bundle is stored in the browser's Cache API, which Node lacks: the service runs it from memory and says so.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const convert = await convertWithCli(join(goldensDir, 'tiny-longclip-fp32.pt'), bundle, dtype);
    expect(convert.code, convert.stderr).toBe(0);
    mkdirSync(photos);
    for (const name of readdirSync(join(goldensDir, 'images'))) copyFileSync(join(goldensDir, 'images', name), join(photos, name));

    const index = await runCli('index', [photos, '--model', bundle, '--out', join(work, 'golden.lcindex'), '--device', 'wasm']);
    expect(index.code, index.stderr).toBe(0);
    const file = await openIndexFile(new BufferSource(new Uint8Array(readFileSync(join(work, 'golden.lcindex')))));
    const vectors = await file.vectors(0, file.header.photos.length);
    cliVectors = new Map(file.header.photos.map((p, i) => [p.hash, Array.from(vectors[i]!)]));
  }, 300_000);

  afterAll(() => vi.restoreAllMocks());

  test('indexes the queue and stores the embeddings the CLI writes', async () => {
    expect((await call({ type: 'init', forceProvider: null, timedProviders: {}, debug: NO_DEBUG })).provider).toBe('wasm');
    const files = readdirSync(bundle).map((name) => new File([readFileSync(join(bundle, name))], name));
    const model = await call({ type: 'load-model', source: { kind: 'files', files, dtype: 'float16' } });

    const names = readdirSync(photos).sort();
    const db = await new LibraryConnection({ name: databaseName }).open();
    await enqueue(
      db,
      names.map((name) => ({
        file: new File([readFileSync(join(photos, name))], name, { type: name.endsWith('.jpg') ? 'image/jpeg' : 'image/png' }),
        path: `golden/${name}`,
      })),
    );
    const summary = await call({ type: 'index-queue', join: false });
    expect(summary).toMatchObject({ files: 8, embedded: 8, skipped: [], left: 0, stopped: null });
    expect(events.filter((e) => e.type === 'indexed').map((e) => (e.type === 'indexed' ? e.hashes.length : 0))).toEqual([4, 4]);

    const stored = await db.getAllFromIndex('embeddings', 'by-model', model.key);
    expect(stored).toHaveLength(8);
    expect(cliVectors.size).toBe(8);
    for (const { hash } of stored) expect(Array.from((await readVector(db, model.key, hash))!), hash).toEqual(cliVectors.get(hash));
    db.close();
  });

  test('answers debug-pixels only for tests (?e2e): the pixels the indexer feeds the encoder', async () => {
    const file = new File([readFileSync(join(photos, 'square_224.png'))], 'square_224.png', { type: 'image/png' });
    await expect(call({ type: 'debug-pixels', files: [{ file, path: file.name }] })).rejects.toThrow(/for tests/);
    await call({ type: 'init', forceProvider: null, timedProviders: {}, debug: { ...NO_DEBUG, e2e: true } });
    const { resolution, pixels } = await call({
      type: 'debug-pixels',
      files: [
        { file, path: file.name },
        { file, path: 'again.png' },
      ],
    });
    expect(resolution).toBe(224);
    expect(pixels).toHaveLength(2);
    expect(Array.from(pixels[1]!)).toEqual(Array.from(readF32(join(goldensDir, 'pixels/square_224.png.f32'))));
  });
});
