// Hostile and damaged checkpoints, each taken down the whole path a conversion takes (open,
// architecture, validation, reading every tensor). Each must be refused with a CheckpointError
// naming the problem before anything large is read, and so before anything large is allocated:
// every source sits behind a CountingSource that refuses any read above MAX_READ, and most are
// huge sparse files or the real 29 MB golden checkpoint, where a careless reader would read a lot.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource, type ByteSource } from '../io/source';
import { architectureFromStateDict } from './architecture';
import { openCheckpoint } from './open-checkpoint';
import { MAX_TENSOR_ELEMENTS } from './strided-tensor';
import { CheckpointError } from './tensor';
import { CountingSource, ReadTooLargeError } from './testing/counting-source';
import { FIXTURES } from './testing/fixtures';
import { PickleBuilder, stateDictPickle, type PickledTensor } from './testing/pickle-builder';
import { writeSafetensors } from './testing/safetensors-writer';
import { clipShapes, zeroEntries } from './testing/shapes';
import { SparseSource } from './testing/synthetic-sources';
import { writeSparseZip, type ZipWriterEntry } from './testing/zip-writer';
import { validateStateDict } from './validate';

/** The largest read a refusal may need: the end-record scan of a zip (22 + 65,535 bytes). */
const MAX_READ = 70_000;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TiB = 2 ** 40;

async function load(source: ByteSource): Promise<void> {
  const sd = await openCheckpoint(source);
  validateStateDict(sd, architectureFromStateDict(sd));
  for (const t of sd.tensors.values()) await t.read();
}

/** Loads `source` behind the read bound; returns the refusal's message. */
async function refusal(source: ByteSource): Promise<string> {
  const guarded = new CountingSource(source, MAX_READ);
  const before = process.memoryUsage().arrayBuffers;
  const error = await load(guarded).then(
    () => undefined,
    (e: unknown) => e,
  );
  // A ReadTooLargeError (a large read) or a RangeError (a huge allocation) shows up here by name.
  expect(error instanceof CheckpointError ? 'CheckpointError' : String(error)).toBe('CheckpointError');
  expect(guarded.largestRead).toBeLessThanOrEqual(MAX_READ);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MiB);
  return (error as Error).message;
}

/** A torch.save zip whose storages hold `length` zero bytes (never materialised), optionally claiming another size. */
function sparseZip(pickle: Uint8Array, storages: Record<string, { length: number; claimed?: number }>, name = 'huge.pt'): SparseSource {
  const entries: ZipWriterEntry[] = [{ name: 'archive/data.pkl', data: pickle }];
  for (const [key, { length, claimed }] of Object.entries(storages)) {
    entries.push({ name: `archive/data/${key}`, data: new Uint8Array(0), virtualLength: length, claimedSize: claimed });
  }
  return new SparseSource(writeSparseZip(entries), name);
}

/** A safetensors file of `header` followed by `dataLength` zero bytes. */
function sparseSafetensors(header: Record<string, unknown>, dataLength: number): SparseSource {
  const bytes = writeSafetensors([], header);
  return new SparseSource({ size: bytes.length + dataLength, parts: [{ offset: 0, bytes }] }, 'huge.safetensors');
}

const tensor = (t: Partial<PickledTensor> & Pick<PickledTensor, 'shape' | 'storageNumel'>): PickledTensor => ({ name: 'w', key: '0', ...t });
const pklWithGlobal = (module: string, name: string, stack = false) => {
  // A valid tensor entry first, so the refusal happens mid-state_dict.
  const body = stateDictPickle([tensor({ shape: [2], storageNumel: 2 })]).subarray(2, -2); // no PROTO, SETITEMS, STOP
  const p = new PickleBuilder().op(...body).str('evil');
  (stack ? p.str(module).str(name).op(0x93) : p.global(module, name)).mark().str('id').tuple().reduce();
  return p.setItems().stop();
};

let golden: Uint8Array;
beforeAll(() => {
  golden = new Uint8Array(readFileSync(FIXTURES.fp32));
});

describe('hostile checkpoints are refused by name, before anything large is read', () => {
  it('the bound catches reading any tensor (so the refusals below happen before that)', async () => {
    const valid = new CountingSource(new BufferSource(writeSafetensors(zeroEntries(clipShapes())), 'ok.safetensors'), MAX_READ);
    await expect(load(valid)).rejects.toThrow(ReadTooLargeError);
  });

  it.each<[string, () => ByteSource, string | RegExp]>([
    [
      'not a zip: a 1 TiB file of zeros',
      () => new SparseSource({ size: TiB, parts: [] }, 'zeros.pt'),
      'zeros.pt is not a PyTorch checkpoint (zip) or a .safetensors file',
    ],
    [
      'not a zip: 1 TiB that starts like a zip and has no end records',
      () => new SparseSource({ size: TiB, parts: [{ offset: 0, bytes: Uint8Array.of(0x50, 0x4b, 3, 4, 45) }] }, 'pk.pt'),
      'pk.pt: not a complete zip archive (end of central directory record not found; is the file truncated?)',
    ],
    [
      'truncated: the golden checkpoint cut in half',
      () => new BufferSource(golden.subarray(0, golden.length >> 1), 'half.pt'),
      /^half\.pt: not a complete zip archive/,
    ],
    [
      'truncated: the golden checkpoint one byte short',
      () => new BufferSource(golden.subarray(0, golden.length - 1), 'short.pt'),
      /^short\.pt: not a complete zip archive/,
    ],
    [
      'zip bomb: a storage entry claiming 2^40 bytes in a 1 GiB file',
      () => sparseZip(stateDictPickle([tensor({ shape: [2], storageNumel: 2 })]), { 0: { length: GiB, claimed: TiB } }),
      /^huge\.pt: zip entry archive\/data\/0: claims 1099511627776 bytes at offset \d+, past the end of the file data$/,
    ],
    [
      'zip bomb: a stored data.pkl of 100 MB in a 1 TiB file',
      () => {
        const file = writeSparseZip([
          { name: 'archive/data.pkl', data: Uint8Array.of(0x80, 2), virtualLength: 100e6 },
          { name: 'archive/data/0', data: new Uint8Array(0), virtualLength: TiB },
        ]);
        return new SparseSource(file, 'huge.pt');
      },
      'huge.pt: archive/data.pkl is 100000002 bytes, more than a state_dict pickle can be (67108864)',
    ],
    [
      'zip bomb: a deflated data.pkl claiming 2^40 bytes from 30',
      () => {
        const file = writeSparseZip([{ name: 'archive/data.pkl', data: new Uint8Array(30), method: 8, claimedSize: TiB, claimedCompressedSize: 30 }]);
        return new SparseSource(file, 'bomb.pt');
      },
      'bomb.pt: zip entry archive/data.pkl is compressed (method 8); torch.save stores entries uncompressed',
    ],
    [
      'zip bomb: a central directory of 2^40 bytes in a 1 TiB file',
      () => {
        const file = writeSparseZip([{ name: 'archive/data.pkl', data: new Uint8Array(0), virtualLength: TiB }]);
        const tail = file.parts.at(-1)!.bytes;
        const zip64 = new DataView(tail.buffer, tail.byteOffset + tail.length - 98, 56);
        zip64.setBigUint64(40, BigInt(TiB), true); // directory size
        zip64.setBigUint64(48, 0n, true); // directory offset
        return new SparseSource(file, 'dir.pt');
      },
      'dir.pt: central directory is implausibly large (1099511627776 bytes)',
    ],
    [
      'pickle: __builtin__.getattr inside a state_dict',
      () => sparseZip(pklWithGlobal('__builtin__', 'getattr'), { 0: { length: 8 } }),
      'huge.pt: archive/data.pkl: refusing global __builtin__.getattr (only state_dict globals are allowed)',
    ],
    [
      'pickle: builtins.eval through STACK_GLOBAL',
      () => sparseZip(pklWithGlobal('builtins', 'eval', true), { 0: { length: 8 } }),
      'huge.pt: archive/data.pkl: refusing global builtins.eval (only state_dict globals are allowed)',
    ],
    [
      'tensor: a storage of 10^12 elements whose entry holds 24 bytes',
      () => sparseZip(stateDictPickle([tensor({ shape: [2], storageNumel: 1e12 })]), { 0: { length: 24 } }),
      'huge.pt: zip entry archive/data/0 holds 24 bytes, but the pickle says 1000000000000 float32 elements (4000000000000 bytes)',
    ],
    [
      'tensor: 10^12 elements, backed by a 4 TB storage in the file',
      () => sparseZip(stateDictPickle([tensor({ shape: [1e6, 1e6], storageNumel: 1e12 })]), { 0: { length: 4e12 } }),
      `huge.pt: tensor w has 1000000000000 elements, more than a CLIP weight can have (${MAX_TENSOR_ELEMENTS})`,
    ],
    [
      'tensor: two elements 10^11 apart in a 4 TB storage',
      () => sparseZip(stateDictPickle([tensor({ shape: [2], stride: [1e11], storageNumel: 1e12 })]), { 0: { length: 4e12 } }),
      `huge.pt: tensor w (stride [100000000000]) spans 100000000001 elements of its storage, more than a CLIP weight can (${MAX_TENSOR_ELEMENTS})`,
    ],
    [
      'tensor: a view past the end of its storage',
      () => sparseZip(stateDictPickle([tensor({ shape: [3, 3], storageNumel: 8 })]), { 0: { length: 32 } }),
      'huge.pt: tensor w has 9 elements, more than its storage holds (8)',
    ],
    [
      'safetensors: a header claiming 2^40 bytes in a 2 TiB file',
      () => {
        const bytes = Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0, 0x7b);
        return new SparseSource({ size: 2 * TiB, parts: [{ offset: 0, bytes }] }, 'head.safetensors');
      },
      'head.safetensors: safetensors header of 1099511627776 bytes is too large',
    ],
    [
      'safetensors: data_offsets past the end of a 1 GiB file',
      () => sparseSafetensors({ w: { dtype: 'F32', shape: [2 ** 38], data_offsets: [0, TiB] } }, GiB),
      'huge.safetensors: tensor w: data_offsets [0, 1099511627776] pass the end of the file (1073741824 data bytes)',
    ],
    [
      'safetensors: a complete state_dict whose token table has 10^10 rows (2.56 TB)',
      () => {
        // Consistent shapes, so only the size of the one tensor is wrong: architecture and validation pass.
        const shapes = { ...clipShapes({ long: true, context: 248 }), 'token_embedding.weight': [1e10, 64] };
        const header: Record<string, unknown> = {};
        let end = 0;
        for (const [name, shape] of Object.entries(shapes)) {
          const begin = end;
          end += 4 * shape.reduce((a, b) => a * b, 1);
          header[name] = { dtype: 'F32', shape, data_offsets: [begin, end] };
        }
        return sparseSafetensors(header, end);
      },
      `huge.safetensors: tensor token_embedding.weight has 640000000000 elements, more than a CLIP weight can have (${MAX_TENSOR_ELEMENTS})`,
    ],
  ])('%s', async (_, make, message) => {
    expect(await refusal(make())).toMatch(message);
  });

  describe('a state_dict that does not match its architecture, refused before any tensor is read', () => {
    const file = (edit: (shapes: Record<string, number[]>) => void) => {
      const shapes = clipShapes({ long: true, context: 248 });
      edit(shapes);
      return new BufferSource(writeSafetensors(zeroEntries(shapes)), 'sd.safetensors');
    };
    const prefix = 'sd.safetensors: state_dict does not match the architecture it implies: ';
    it.each<[string, (s: Record<string, number[]>) => void, string]>([
      [
        'missing keys',
        (s) => {
          delete s['ln_final.bias'];
          delete s['visual.proj'];
        },
        'missing visual.proj; missing ln_final.bias',
      ],
      [
        'an extra key',
        (s) => {
          s['visual.transformer.resblocks.0.attn.bias_k'] = [1, 1, 64];
        },
        'unexpected key visual.transformer.resblocks.0.attn.bias_k',
      ],
      [
        'a wrong shape',
        (s) => {
          s['transformer.resblocks.0.mlp.c_fc.weight'] = [64, 256];
        },
        'transformer.resblocks.0.mlp.c_fc.weight has shape [64, 256], expected [256, 64]',
      ],
    ])('%s', async (_, edit, problems) => {
      expect(await refusal(file(edit))).toBe(prefix + problems);
    });
  });
});
