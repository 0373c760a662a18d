// What the user has picked for "Import model" so far, across several picks or drops: a
// checkpoint and its merges file may come one after the other, in either order.
import { CHECKPOINT_FILE } from './identity';
import { BUNDLE_FILES } from './manifest';

/** The merges file's usual name (CLIP's BPE vocabulary). */
export const MERGES_NAME = 'bpe_simple_vocab_16e6.txt.gz';

const MERGES_FILE = /\.txt\.gz$|bpe.*\.txt$/i;

export type ImportParts<F extends { name: string }> =
  /** Enough to start: a checkpoint with its merges file, or a bundle (its manifest checks the rest). */
  | { kind: 'ready'; files: F[] }
  /** Half of a checkpoint import; `need` says what to pick next, in words. */
  | { kind: 'waiting'; files: F[]; need: string }
  /** Nothing usable for an import. */
  | { kind: 'unusable'; files: F[] };

/**
 * Adds a new pick to what was picked before: a file of the same name replaces the earlier one
 * (a second checkpoint replaces the first), and the result says whether the import can start.
 */
export function addImportPick<F extends { name: string }>(before: readonly F[], picked: readonly F[]): ImportParts<F> {
  const byName = new Map(before.map((f) => [f.name, f]));
  // A new checkpoint or merges file replaces the earlier one of its kind.
  if (picked.some((f) => CHECKPOINT_FILE.test(f.name))) for (const name of byName.keys()) if (CHECKPOINT_FILE.test(name)) byName.delete(name);
  if (picked.some((f) => MERGES_FILE.test(f.name))) for (const name of byName.keys()) if (MERGES_FILE.test(name)) byName.delete(name);
  for (const f of picked) byName.set(f.name, f);
  const files = [...byName.values()];
  if (byName.has(BUNDLE_FILES.manifest)) return { kind: 'ready', files };
  const checkpoint = files.find((f) => CHECKPOINT_FILE.test(f.name));
  const merges = files.find((f) => MERGES_FILE.test(f.name));
  if (checkpoint && merges) return { kind: 'ready', files: [checkpoint, merges] };
  if (checkpoint) return { kind: 'waiting', files: [checkpoint], need: `now choose its merges file (${MERGES_NAME})` };
  if (merges) return { kind: 'waiting', files: [merges], need: 'now choose the checkpoint (.pt or .safetensors)' };
  return { kind: 'unusable', files };
}
