// The tokenizer's public surface.
export { ClipTokenizer, DEFAULT_CONTEXT_LENGTH, END_ID, START_ID, type EncodedText } from './clip-tokenizer';
export { MERGE_COUNT, MergesFileError, parseMerges, parseMergesText, type MergePair } from './merges';
