/**
 * Splits a description into sentences: after '.', '!' or '?' followed by white space. The
 * marks stay with their sentence; empty pieces are dropped. Text without such a break is one
 * sentence.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
