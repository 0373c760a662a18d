// `npm run index -- merge`: index files of one model (shards of a folder, an app export and a CLI
// run …) into one. A photo's embedding (a video's frame embeddings) and thumbnails come from the
// first input that has it; a path in several inputs takes the last one's record, and a line says
// so when its bytes differ.
import { checkSameModel, type ModelIdentity } from '../engine/bundle/identity';
import type { IndexReader } from '../engine/index-file/reader';
import type { IndexFileRecord } from '../engine/index-file/types';
import type { PhotoToWrite } from '../engine/index-file/writer';
import { copyEntry } from './index-entry';
import type { GatheredIndex } from './index-output';
import type { Spooled, ThumbnailSpool } from './thumbnail-spool';

/** Embeddings read from an input at a time (or one video's, when it has more). */
const CHUNK = 4096;

export interface MergeInput {
  name: string;
  reader: IndexReader;
}

/** The model of the merge (the first input's); the others must have been made with it. */
export function mergeModel(inputs: readonly MergeInput[]): ModelIdentity {
  const model = inputs[0]!.reader.header.model;
  for (const { name, reader } of inputs.slice(1))
    checkSameModel(reader.header.model, model, name, inputs[0]!.name, 'Only index files of one model can be merged.');
  return model;
}

export async function mergeIndexes(inputs: readonly MergeInput[], spool: ThumbnailSpool, log: (line: string) => void): Promise<GatheredIndex> {
  const files = new Map<string, { record: IndexFileRecord; from: string }>();
  for (const { name, reader } of inputs) {
    for (const record of reader.header.files) {
      const before = files.get(record.path);
      if (before && before.record.hash !== record.hash) log(`${record.path}: other bytes in ${name} than in ${before.from}; ${name}'s are kept`);
      files.set(record.path, { record, from: name });
    }
  }
  const named = new Set([...files.values()].map((f) => f.record.hash));
  const photos = new Map<string, PhotoToWrite<Spooled>>();
  for (const { reader } of inputs) {
    const { photos: list } = reader.header;
    const { rows } = reader;
    for (let start = 0; start < list.length;) {
      // Whole entries, up to CHUNK rows (at least one entry).
      let end = start + 1;
      while (end < list.length && rows[end + 1]! - rows[start]! <= CHUNK) end++;
      const vectors = await reader.vectors(rows[start]!, rows[end]! - rows[start]!);
      for (let i = start; i < end; i++) {
        const p = list[i]!;
        if (photos.has(p.hash) || !named.has(p.hash)) continue;
        photos.set(p.hash, await copyEntry(reader, i, spool, vectors.slice(rows[i]! - rows[start]!, rows[i + 1]! - rows[start]!)));
      }
      start = end;
    }
  }
  return { photos: [...photos.values()], files: [...files.values()].map((f) => f.record) };
}
