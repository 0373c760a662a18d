// The Long-CLIP tokenizer (OpenAI CLIP's simple_tokenizer with a 248-token context).
import { BYTE_ORDER, BYTE_TO_CHAR, utf8Bytes } from './byte-unicode';
import { BpeModel, END_ID, END_TOKEN, START_ID, START_TOKEN } from './bpe';
import { cleanText, REGEX_WHITESPACE } from './clean-text';
import { parseMerges, type MergePair } from './merges';

export { END_ID, START_ID } from './bpe';
export const DEFAULT_CONTEXT_LENGTH = 248;

export interface EncodedText {
  /** START_ID, the tokens, END_ID; cut to the context with the last id set to END_ID. No padding. */
  ids: Int32Array;
  /** Length before truncation, START_ID and END_ID included. */
  untruncatedLength: number;
}

// The official pattern (compiled with regex.IGNORECASE), with its \s spelled out.
const PIECE = new RegExp(`<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^${REGEX_WHITESPACE}\\p{L}\\p{N}]+`, 'giu');

/** Words cached before the cache is emptied; enough for any caption, small enough for a worker. */
const CACHE_LIMIT = 20_000;

export class ClipTokenizer {
  private readonly bpe: BpeModel;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(merges: readonly MergePair[]) {
    this.bpe = new BpeModel(merges);
  }

  /** From the bytes of `bpe_simple_vocab_16e6.txt.gz`; throws `MergesFileError` for a bad file. */
  static fromGzip(bytes: Uint8Array): ClipTokenizer {
    return new ClipTokenizer(parseMerges(bytes));
  }

  encode(text: string, contextLength: number = DEFAULT_CONTEXT_LENGTH): EncodedText {
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new RangeError(`context length must be an integer >= 2, got ${contextLength}`);
    }
    const tokens = this.tokenIds(text);
    const untruncatedLength = tokens.length + 2;
    const length = Math.min(untruncatedLength, contextLength);
    const ids = new Int32Array(length);
    ids[0] = START_ID;
    ids.set(tokens.length > length - 2 ? tokens.slice(0, length - 2) : tokens, 1);
    ids[length - 1] = END_ID;
    return { ids, untruncatedLength };
  }

  /** Token count for the UI: untruncated, START_ID and END_ID included. */
  countTokens(text: string): number {
    return this.tokenIds(text).length + 2;
  }

  /** The official `decode`: token strings joined, bytes back to UTF-8, "</w>" read as a space. */
  decode(ids: ArrayLike<number>): string {
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const token = this.bpe.vocab[ids[i]!];
      if (token === undefined) continue;
      for (const c of token) {
        const b = CHAR_TO_BYTE.get(c);
        if (b !== undefined) bytes.push(b);
        else utf8Bytes(c, bytes); // "</w>" and the special tokens are ASCII
      }
    }
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes)).replaceAll('</w>', ' ');
  }

  /** BPE ids of the cleaned text, without START_ID / END_ID. */
  private tokenIds(text: string): number[] {
    // Case-insensitive, Python's `regex` matches U+0345 (a mark that case-folds to a letter) with
    // no branch, so it only separates pieces; JavaScript's /iu counts it as a letter.
    const clean = cleanText(typeof text === 'string' ? text : String(text)).replace(/\u0345/g, ' ');
    const out: number[] = [];
    for (const match of clean.matchAll(PIECE)) {
      const piece = match[0];
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        ids = piece === START_TOKEN ? [START_ID] : piece === END_TOKEN ? [END_ID] : this.bpe.encodeBytes(utf8Bytes(piece));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }
}

const CHAR_TO_BYTE = new Map<string, number>(BYTE_ORDER.map((b) => [BYTE_TO_CHAR[b]!, b]));
