// Fuzzing the zip directory reader and the torch.save path above it with mutated checkpoints:
// every input is read or refused with a CheckpointError, quickly, without large reads.
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { BufferSource, type ByteSource } from '../io/source';
import { expectRefusal, fuzz, fuzzSeed } from '../testing/fuzz';
import { openCheckpoint } from './open-checkpoint';
import { CheckpointError } from './tensor';
import { CountingSource } from './testing/counting-source';
import { FIXTURES } from './testing/fixtures';
import { mutate, mutatePatches } from './testing/mutate';
import { stateDictPickle } from './testing/pickle-builder';
import { PatchedSource } from './testing/synthetic-sources';
import { writeZip, type ZipWriterEntry } from './testing/zip-writer';
import { ZipDirectory } from './zip-directory';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

function craftedEntries(): ZipWriterEntry[] {
  const pickle = stateDictPickle([
    { name: 'w', key: '0', storageNumel: 6, shape: [2, 3] },
    { name: 'wt', key: '0', storageNumel: 6, shape: [3, 2], stride: [1, 3] },
    { name: 'h', key: '1', storageNumel: 4, shape: [4], storageType: 'HalfStorage' },
    { name: 'b', key: '2', storageNumel: 2, shape: [2], storageType: 'BFloat16Storage' },
  ]);
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: 'archive/data.pkl', data: pickle },
    { name: 'archive/byteorder', data: text('little') },
    { name: 'archive/data/0', data: f32(0, 1, 2, 3, 4, 5) },
    { name: 'archive/data/1', data: new Uint8Array(8).fill(0x3c) },
    { name: 'archive/data/2', data: new Uint8Array(4).fill(0x3f) },
    { name: 'archive/version', data: text('3\n') },
  ];
}

/** Reads the directory and every entry's range, then opens the checkpoint and reads its small tensors. */
async function exercise(source: ByteSource, maxRead: number): Promise<void> {
  const guarded = new CountingSource(source, maxRead);
  try {
    const dir = await ZipDirectory.read(guarded);
    for (const entry of dir.entries.values()) {
      try {
        const { start, length } = await dir.dataRange(entry);
        if (!(start >= 0 && start + length <= source.size)) throw new Error(`entry ${entry.name} lies outside the file`);
      } catch (e) {
        expectRefusal(e, CheckpointError);
      }
    }
  } catch (e) {
    expectRefusal(e, CheckpointError);
  }
  try {
    const sd = await openCheckpoint(guarded);
    for (const t of sd.tensors.values()) if (t.shape.reduce((a, b) => a * b, 1) <= 4096) await t.read();
  } catch (e) {
    expectRefusal(e, CheckpointError);
  }
}

describe('zip directory fuzz', () => {
  it('reads or refuses 3,000 mutations of a small torch.save zip', async () => {
    const bases = [writeZip(craftedEntries()), writeZip(craftedEntries(), { forceZip64: true })];
    await fuzz({ name: 'crafted zip', seed: fuzzSeed(0x5eed01), iterations: 3000, maxCallMs: 1000, budgetMs: 6000 }, async (rng) => {
      const base = rng.pick(bases);
      // Half the mutations hit the central directory and end records, the rest anywhere.
      const dirStart = base.length - 98 - 6 * (46 + 40);
      const bytes = mutate(rng, base, { focus: [dirStart, base.length] });
      await exercise(new BufferSource(bytes, 'fuzz.pt'), bytes.length);
    });
  });

  it('reads or refuses 800 mutations of the golden checkpoint (29 MB), reading no more than its directory', async () => {
    const golden = new Uint8Array(readFileSync(FIXTURES.fp32));
    const dir = await ZipDirectory.read(new BufferSource(golden));
    const pkl = [...dir.entries.values()].find((e) => e.name.endsWith('/data.pkl'))!;
    const pklRange = await dir.dataRange(pkl);
    // The central directory and end records, the local headers of the first entries, and data.pkl.
    const focus = [
      [golden.length - 10_000, golden.length],
      [0, pklRange.start + pklRange.length],
    ] as const;
    await fuzz({ name: 'golden zip', seed: fuzzSeed(0x5eed02), iterations: 800, maxCallMs: 1000, budgetMs: 6000 }, async (rng) => {
      const { patches, size } = mutatePatches(rng, golden.length, focus);
      await exercise(new PatchedSource(golden, size, patches, 'fuzz.pt'), 70_000);
    });
  });
});
