// The CLI's decode threads load (under tsx, as the CLI runs) and prepare a photo exactly as the
// main thread does; a thread that fails would say so and fall back, which this test refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preparePhoto } from '../engine/embed/image-embedder';
import type { ClipEngine } from '../engine/session/clip-engine';
import { sharedDir } from '../engine/testing/shared';
import { startThreadPool } from './prepare-pool';
import { sharpPhotoDecoder } from './sharp-decoder';

const manifest = { resolution: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] };

describe('the CLI decode threads', () => {
  it('prepare the golden photos in worker threads, identically to the main thread', async () => {
    const logged: string[] = [];
    const pool = startThreadPool({ provider: 'wasm', manifest } as unknown as ClipEngine, (line) => logged.push(line));
    try {
      const options = { thumbnail: true, checkBytes: true, reduce: true };
      for (const name of ['photo_800x600.jpg', 'rotated_exif6_600x400.jpg', 'landscape_640x480.png']) {
        const bytes = new Uint8Array(readFileSync(join(sharedDir, 'goldens/images', name)));
        const [threaded, here] = await Promise.all([pool.prepare(bytes, 'image/jpeg', options), preparePhoto(sharpPhotoDecoder, manifest, bytes, '', options)]);
        expect([threaded.width, threaded.height], name).toEqual([here.width, here.height]);
        expect(Buffer.from(threaded.pixels.buffer).equals(Buffer.from(here.pixels.buffer)), name).toBe(true);
        expect(threaded.thumbnail!.data.length, name).toBeGreaterThan(0);
      }
      expect(logged).toEqual([]);
    } finally {
      pool.close();
    }
  });
});
