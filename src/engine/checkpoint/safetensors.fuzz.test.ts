// Fuzzing the safetensors header parser: mutated bytes, lengths and JSON values are read or
// refused with a CheckpointError, quickly, without large reads.
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { BufferSource, type ByteSource } from '../io/source';
import { expectRefusal, fuzz, fuzzSeed, type Rng } from '../testing/fuzz';
import { openCheckpoint } from './open-checkpoint';
import { CheckpointError } from './tensor';
import { CountingSource } from './testing/counting-source';
import { FIXTURES } from './testing/fixtures';
import { mutate, mutatePatches } from './testing/mutate';
import { writeSafetensors } from './testing/safetensors-writer';
import { PatchedSource } from './testing/synthetic-sources';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const base = writeSafetensors([
  { name: 'a', dtype: 'F32', shape: [2, 2], data: f32(1, 2, 3, 4) },
  { name: 'h', dtype: 'F16', shape: [2], data: new Uint8Array([0x00, 0x3c, 0x00, 0x7c]) },
  { name: 'b', dtype: 'BF16', shape: [], data: new Uint8Array([0x80, 0x3f]) },
]);
const headerLength = Number(new DataView(base.buffer).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(base.subarray(8, 8 + headerLength))) as Record<string, Record<string, unknown>>;
const data = base.subarray(8 + headerLength);

const VALUES: unknown[] = [
  -1,
  0,
  1,
  1.5,
  -0,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  '4',
  null,
  true,
  [],
  {},
  [[1]],
  [0, 0],
  [4, 0],
  [0, 16],
  [0, 2 ** 60],
  [1e6, 1e6],
  new Array(17).fill(1),
  'F32',
  'F16',
  'BF16',
  'F64',
  'I64',
  'BOOL',
  'f32',
  '__proto__',
];

/** A header with one field or entry replaced by a tricky JSON value, serialised with the original data. */
function jsonMutation(rng: Rng): Uint8Array {
  const h = structuredClone(header);
  const names = Object.keys(h).filter((k) => k !== '__metadata__');
  const name = rng.pick(names);
  const r = rng.int(4);
  if (r === 0) h[name]![rng.pick(['dtype', 'shape', 'data_offsets'])] = rng.pick(VALUES);
  else if (r === 1) (h as Record<string, unknown>)[rng.pick([name, '__metadata__', '__proto__', 'constructor', 'x'])] = rng.pick(VALUES);
  else if (r === 2) delete h[name]![rng.pick(['dtype', 'shape', 'data_offsets'])];
  else h[name]!['data_offsets'] = [rng.int(24), rng.int(24)];
  let json = JSON.stringify(h);
  if (rng.chance(0.2)) json = json.replace(`"${name}"`, `"${name}":{},"${name}"`); // a duplicate key
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

async function exercise(source: ByteSource, maxRead: number): Promise<void> {
  try {
    const sd = await openCheckpoint(new CountingSource(source, maxRead));
    for (const t of sd.tensors.values()) if (t.shape.reduce((a, b) => a * b, 1) <= 4096) await t.read();
  } catch (e) {
    expectRefusal(e, CheckpointError);
  }
}

describe('safetensors fuzz', () => {
  it('reads or refuses 3,000 mutated small files', async () => {
    await fuzz({ name: 'safetensors', seed: fuzzSeed(0x5eed04), iterations: 3000, maxCallMs: 1000, budgetMs: 6000 }, async (rng) => {
      const bytes = rng.chance(0.4) ? jsonMutation(rng) : mutate(rng, base, { focus: [0, 8 + headerLength] });
      await exercise(new BufferSource(bytes, 'fuzz.safetensors'), bytes.length);
    });
  });

  it('reads or refuses 500 mutations of the golden header (7 MB file), reading no more than the header', async () => {
    const golden = new Uint8Array(readFileSync(FIXTURES.variantsSafetensors));
    const length = Number(new DataView(golden.buffer, golden.byteOffset).getBigUint64(0, true));
    await fuzz({ name: 'golden safetensors', seed: fuzzSeed(0x5eed05), iterations: 500, maxCallMs: 1000, budgetMs: 6000 }, async (rng) => {
      const { patches, size } = mutatePatches(rng, golden.length, [[0, 8 + length]]);
      await exercise(new PatchedSource(golden, size, patches, 'fuzz.safetensors'), 8 + length + 16_384);
    });
  });
});
