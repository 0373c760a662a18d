import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NodeFileSource } from '../io/node-file-source';
import { BlobSource } from '../io/source';
import { loadGolden } from '../testing/shared';
import { architectureFromStateDict } from './architecture';
import { openCheckpoint } from './open-checkpoint';
import { CountingSource } from './testing/counting-source';
import { FIXTURES, readAll, withCheckpoint } from './testing/fixtures';
import { validateStateDict } from './validate';

const golden = loadGolden();
const config = golden.config as Record<string, number>;

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('official checkpoints', () => {
  it.each([
    ['fp32', FIXTURES.fp32],
    ['mixed fp16', FIXTURES.mixed],
  ])('reads the %s golden model architecture', async (_, path) => {
    await withCheckpoint(path, async (sd) => {
      expect(sd.format).toBe('torch-zip');
      const arch = architectureFromStateDict(sd);
      expect(arch).toEqual({
        embedDim: config.embed_dim,
        vision: {
          width: config.vision_width,
          layers: config.vision_layers,
          heads: config.vision_heads,
          patchSize: config.vision_patch_size,
          resolution: config.image_resolution,
        },
        text: {
          width: config.text_width,
          layers: config.text_layers,
          heads: config.text_heads,
          contextLength: config.context_length,
          vocabSize: config.vocab_size,
        },
        keepLength: config.keep_len,
        longPositions: true,
      });
      expect(() => validateStateDict(sd, arch)).not.toThrow();
    });
  });

  it('reads the variants checkpoint (.pt and .safetensors) architecture', async () => {
    for (const path of [FIXTURES.variantsPt, FIXTURES.variantsSafetensors]) {
      await withCheckpoint(path, async (sd) => {
        const arch = architectureFromStateDict(sd);
        expect(arch).toEqual({
          embedDim: 32,
          vision: { width: 64, layers: 1, heads: 1, patchSize: 32, resolution: 224 },
          text: { width: 64, layers: 1, heads: 1, contextLength: 248, vocabSize: 49408 },
          keepLength: 20,
          longPositions: true,
        });
        expect(() => validateStateDict(sd, arch)).not.toThrow();
      });
    }
  });

  it('reads the demo model as its README describes, without reading the file whole', async () => {
    const file = await NodeFileSource.open(FIXTURES.demo);
    try {
      const source = new CountingSource(file);
      const sd = await openCheckpoint(source);
      expect(source.bytesRead).toBeLessThan(200_000); // directory + data.pkl + local headers, of a 55 MB file
      const arch = architectureFromStateDict(sd);
      expect(arch).toEqual({
        embedDim: 128,
        vision: { width: 192, layers: 4, heads: 3, patchSize: 32, resolution: 224 },
        text: { width: 192, layers: 4, heads: 3, contextLength: 248, vocabSize: 49408 },
        keepLength: 20,
        longPositions: true,
      });
      expect(() => validateStateDict(sd, arch)).not.toThrow();
      const before = source.reads.length;
      const pos = await sd.tensors.get('positional_embedding')!.read();
      expect(pos.length).toBe(248 * 192);
      expect(source.reads.slice(before)).toEqual([{ offset: expect.any(Number), length: 248 * 192 * 4 }]);
    } finally {
      await file.close();
    }
  });

  it('gives bit-identical float32 tensors from the variants .pt and .safetensors', async () => {
    const pt = await withCheckpoint(FIXTURES.variantsPt, async (sd) => readAll(sd));
    const st = await withCheckpoint(FIXTURES.variantsSafetensors, async (sd) => readAll(sd));
    expect([...pt.keys()].sort()).toEqual([...st.keys()].sort());
    for (const [key, a] of pt) {
      const b = st.get(key)!;
      expect(a.length, key).toBe(b.length);
      expect(sameBits(a, b), key).toBe(true);
    }
  });

  it('reads the same tensors through a Blob (the browser File path)', async () => {
    const bytes = readFileSync(FIXTURES.variantsPt);
    const sd = await openCheckpoint(new BlobSource(new Blob([bytes]), 'tiny-longclip-variants.pt'));
    const viaBlob = await readAll(sd);
    const viaFile = await withCheckpoint(FIXTURES.variantsPt, async (s) => readAll(s));
    for (const [key, a] of viaFile) expect(sameBits(a, viaBlob.get(key)!), key).toBe(true);
  });

  it('reports the storage dtypes of the variants and the mixed checkpoint', async () => {
    const expected = golden.variants as unknown as { storage_dtypes: Record<string, string> };
    for (const path of [FIXTURES.variantsPt, FIXTURES.variantsSafetensors]) {
      await withCheckpoint(path, async (sd) => {
        for (const [key, t] of sd.tensors) expect(t.dtype, key).toBe(expected.storage_dtypes[key] ?? 'float32');
      });
    }
    const mixed = (golden as unknown as { dtypes_in_mixed_checkpoint: Record<string, string> }).dtypes_in_mixed_checkpoint;
    await withCheckpoint(FIXTURES.mixed, async (sd) => {
      expect(Object.fromEntries([...sd.tensors].map(([k, t]) => [k, t.dtype]))).toEqual(mixed);
    });
  });

  it('agrees between fp32 and mixed fp16 to float16 precision', async () => {
    const fp32 = await withCheckpoint(FIXTURES.fp32, async (sd) => readAll(sd));
    await withCheckpoint(FIXTURES.mixed, async (sd) => {
      for (const [key, t] of sd.tensors) {
        const a = fp32.get(key)!;
        const b = await t.read();
        expect(b.length, key).toBe(a.length);
        if (t.dtype === 'float32') {
          expect(sameBits(a, b), key).toBe(true);
          continue;
        }
        let worst = 0;
        for (let i = 0; i < a.length; i++) {
          // Round to nearest float16: relative error <= 2^-11, absolute <= 2^-25 among subnormals.
          const err = Math.abs(a[i]! - b[i]!) - (Math.abs(a[i]!) * 2 ** -11 + 2 ** -25);
          worst = Math.max(worst, err);
        }
        expect(worst, key).toBeLessThanOrEqual(0);
      }
    });
  });
});
