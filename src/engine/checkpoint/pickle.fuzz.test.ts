// Fuzzing the restricted pickle VM, through the torch.save reader that drives it: mutated
// state_dict pickles (flipped bytes, cuts, random opcodes and globals spliced in) are read or
// refused with a CheckpointError, quickly, with bounded memory.
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { BufferSource } from '../io/source';
import { expectRefusal, fuzz, fuzzSeed, type Rng } from '../testing/fuzz';
import { architectureFromStateDict } from './architecture';
import { openCheckpoint } from './open-checkpoint';
import { CheckpointError } from './tensor';
import { CountingSource } from './testing/counting-source';
import { FIXTURES } from './testing/fixtures';
import { mutate } from './testing/mutate';
import { PickleBuilder, stateDictPickle } from './testing/pickle-builder';
import { SparseSource } from './testing/synthetic-sources';
import { writeSparseZip } from './testing/zip-writer';
import { validateStateDict } from './validate';
import { ZipDirectory } from './zip-directory';

interface Base {
  pickle: Uint8Array;
  /** Storage key -> bytes of its zip entry. */
  storages: Record<string, number>;
}

/** Every opcode the VM knows, and some it refuses (INST, OBJ, PERSID, NEWOBJ_EX, EXT1, BYTEARRAY8, INT, GET, PUT). */
const OPCODES = [
  0x80, 0x95, 0x2e, 0x28, 0x30, 0x31, 0x32, 0x4e, 0x88, 0x89, 0x4a, 0x4b, 0x4d, 0x8a, 0x8b, 0x47, 0x58, 0x8c, 0x8d, 0x54, 0x55, 0x42, 0x43, 0x8e, 0x7d, 0x5d,
  0x29, 0x74, 0x85, 0x86, 0x87, 0x6c, 0x64, 0x61, 0x65, 0x73, 0x75, 0x71, 0x72, 0x94, 0x68, 0x6a, 0x63, 0x93, 0x52, 0x81, 0x62, 0x51, 0x69, 0x6f, 0x50, 0x92,
  0x82, 0x96, 0x49, 0x67, 0x70,
];
const NAMES: [string, string][] = [
  ['collections', 'OrderedDict'],
  ['torch._utils', '_rebuild_tensor_v2'],
  ['torch._utils', '_rebuild_parameter'],
  ['torch', 'FloatStorage'],
  ['torch', 'HalfStorage'],
  ['torch', 'BFloat16Storage'],
  ['os', 'system'],
  ['builtins', 'eval'],
  ['__builtin__', 'getattr'],
  ['torch', 'DoubleStorage'],
  ['', ''],
  ['a\u0000b', '__proto__'],
];

/** An opcode with random arguments, a global, a string or an integer: what `mutate` splices in. */
function pickleFragment(rng: Rng): number[] {
  const enc = (s: string) => [...new TextEncoder().encode(s)];
  switch (rng.int(4)) {
    case 0: {
      const [module, name] = rng.pick(NAMES);
      const [m, n] = [enc(module), enc(name)];
      return rng.chance(0.5) ? [0x63, ...enc(`${module}\n${name}\n`)] : [0x8c, m.length, ...m, 0x8c, n.length, ...n, 0x93]; // GLOBAL, STACK_GLOBAL
    }
    case 1: {
      const s = enc(rng.pick(['storage', 'cpu', '0', 'w', 'state_dict', 'model', '']));
      return [0x58, s.length, 0, 0, 0, ...s];
    }
    case 2:
      return [0x8a, 8, ...rng.bytes(8)];
    default:
      return [rng.pick(OPCODES), ...rng.bytes(rng.int(10))];
  }
}

function crafted(): Base[] {
  const tensors = stateDictPickle([
    { name: 'w', key: '0', storageNumel: 6, shape: [2, 3] },
    { name: 'wt', key: '0', storageNumel: 6, shape: [3, 2], stride: [1, 3] },
    { name: 'tail', key: '0', storageNumel: 6, shape: [2], offset: 4 },
    { name: 'h', key: '1', storageNumel: 4, shape: [4], storageType: 'HalfStorage' },
  ]);
  // {'epoch': 3, 'state_dict': <the OrderedDict above>}
  const nested = new PickleBuilder()
    .op(0x7d)
    .mark()
    .str('epoch')
    .int(3)
    .str('state_dict')
    .op(...tensors.subarray(2, -1))
    .op(0x75)
    .stop();
  const storages = { 0: 24, 1: 8 };
  return [
    { pickle: tensors, storages },
    { pickle: nested, storages },
  ];
}

/** data.pkl of the golden variants checkpoint (shared storages, views, three dtypes) and its storage sizes. */
async function golden(): Promise<Base> {
  const bytes = new Uint8Array(readFileSync(FIXTURES.variantsPt));
  const dir = await ZipDirectory.read(new BufferSource(bytes));
  const storages: Record<string, number> = {};
  let pickle = new Uint8Array(0);
  for (const entry of dir.entries.values()) {
    const { start, length } = await dir.dataRange(entry);
    if (entry.name.endsWith('/data.pkl')) pickle = bytes.slice(start, start + length);
    const key = /\/data\/([^/]+)$/.exec(entry.name)?.[1];
    if (key) storages[key] = length;
  }
  return { pickle, storages };
}

describe('pickle VM fuzz', () => {
  it('reads or refuses 3,000 mutated state_dict pickles', async () => {
    const bases = [...crafted(), await golden()];
    await fuzz({ name: 'pickle', seed: fuzzSeed(0x5eed03), iterations: 3000, maxCallMs: 1000, budgetMs: 8000 }, async (rng) => {
      const base = rng.pick(bases);
      const pickle = mutate(rng, base.pickle, { insertion: pickleFragment });
      // The storages are sparse: the file has their sizes without holding their bytes.
      const file = writeSparseZip([
        { name: 'archive/data.pkl', data: pickle },
        ...Object.entries(base.storages).map(([key, length]) => ({ name: `archive/data/${key}`, data: new Uint8Array(0), virtualLength: length })),
      ]);
      const source = new CountingSource(new SparseSource(file, 'fuzz.pt'), 1 << 20);
      try {
        const sd = await openCheckpoint(source);
        validateStateDict(sd, architectureFromStateDict(sd));
      } catch (e) {
        expectRefusal(e, CheckpointError);
      }
    });
  });
});
