// Reads CLIP's `bpe_simple_vocab_16e6.txt.gz`: a header line, then one merge ("a b") a line.
// Works on bytes so that the browser worker and Node share it (no fs, no DOM).
import { gunzipSync } from 'fflate';

/** Merges the official tokenizer uses: lines 1 .. 48894 (`merges[1:49152-256-2+1]`). */
export const MERGE_COUNT = 49152 - 256 - 2;

export type MergePair = readonly [string, string];

/** The merges file is missing, not gzip, or not a CLIP merges file. */
export class MergesFileError extends Error {
  override name = 'MergesFileError';
}

/** Gunzips and parses the merges file; throws `MergesFileError` naming what is wrong. */
export function parseMerges(bytes: Uint8Array): MergePair[] {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new MergesFileError(`BPE merges file is not gzip data (expected bpe_simple_vocab_16e6.txt.gz; got ${bytes.length} bytes starting ${hexHead(bytes)})`);
  }
  let raw: Uint8Array;
  try {
    raw = gunzipSync(bytes);
  } catch (err) {
    throw new MergesFileError(`BPE merges file is a damaged gzip: ${err instanceof Error ? err.message : String(err)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new MergesFileError('BPE merges file does not hold UTF-8 text');
  }
  return parseMergesText(text);
}

/** Parses the decompressed merges text exactly as the official code slices it. */
export function parseMergesText(text: string): MergePair[] {
  const firstBreak = text.indexOf('\n');
  const header = firstBreak < 0 ? text : text.slice(0, firstBreak);
  if (!header.includes('#version')) {
    throw new MergesFileError(`not a CLIP BPE merges file: the first line should be a "#version" header, found ${JSON.stringify(header.slice(0, 60))}`);
  }
  const merges: MergePair[] = new Array<MergePair>(MERGE_COUNT);
  // Only the first MERGE_COUNT lines after the header are read (the file has ~262k).
  let pos = firstBreak + 1;
  for (let i = 0; i < MERGE_COUNT; i++) {
    if (pos <= 0 || pos >= text.length) {
      throw new MergesFileError(`not a CLIP BPE merges file: ${i} lines after the header, the tokenizer needs ${MERGE_COUNT}`);
    }
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    // Python's str.split(): any run of whitespace separates, leading/trailing ignored.
    const parts = line.trim().split(/\s+/);
    const [a, b] = parts;
    if (parts.length !== 2 || !a || !b) {
      throw new MergesFileError(`not a CLIP BPE merges file: line ${i + 2} should hold two tokens, found ${JSON.stringify(line.slice(0, 60))}`);
    }
    merges[i] = [a, b];
    pos = end + 1;
  }
  return merges;
}

function hexHead(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}
