// The search: a query (text, photo, sentence-aware text or weighted terms) turned into one query
// vector, kept, and ranked against the model's embedding matrix a page at a time.
import { sentenceStats, type SentenceStats } from '../engine/query/sentence-matches';
import { sentenceAwareQuery } from '../engine/query/sentence-scoring';
import { splitSentences } from '../engine/query/sentences';
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import type { Query, QueryTerm, RankedPhoto } from './protocol';

export interface SearchDeps {
  matrix: EmbeddingMatrix;
  /** Text embeddings (not normalised) of these texts, cut to `contextLength` tokens. */
  embedTexts(texts: string[], contextLength: number): Promise<Float32Array[]>;
}

/**
 * A query turned into what ranking needs, computed once per query and kept: new photos and
 * further pages are ranked against it without encoding the text again.
 */
export interface QueryVector {
  /** The query vector (its direction ranks; scores are cosines times `norm`). */
  vector: Float32Array;
  norm: number;
  /** Sentence-aware scoring: each sentence's embedding, and its spread over the library when the query was made. */
  parts: Float32Array[] | null;
  sentences: SentenceStats[] | null;
}

export async function queryVector(query: Query, deps: SearchDeps): Promise<QueryVector> {
  const { matrix } = deps;
  if (query.kind === 'photo') return withNorm(photoVector(matrix, query.hash));
  if (query.kind === 'terms') return withNorm(await termsVector(query.terms, query.contextLength, deps));
  const sentences = query.sentences ? splitSentences(query.text) : [];
  if (sentences.length < 2) {
    const [whole] = await deps.embedTexts([query.text], query.contextLength);
    return withNorm(normalized(whole!));
  }
  const [whole, ...parts] = await deps.embedTexts([query.text, ...sentences], query.contextLength);
  // Every photo's score per sentence: the spread over the library says what a match is.
  const stats = sentences.map((text, i) => sentenceStats(text, matrix.scoreAll(parts[i]!)));
  return { ...withNorm(sentenceAwareQuery(whole!, parts)), parts, sentences: stats };
}

/**
 * A page of the ranking: the `limit` best photos after `offset` (all the rest when limit is
 * null) by the dot product with the query, among the rows `only` lets through. The matrix
 * ranks by cosine; the score is scaled back by the query's norm (so a sentence-aware score is
 * the mean of its cosines, as sentence-scoring.ts defines it).
 */
export function rankedPage(
  matrix: EmbeddingMatrix,
  q: QueryVector,
  page: { offset: number; limit: number | null; only: Uint8Array | null },
): { results: RankedPhoto[]; total: number } {
  const { results, total } = matrix.rankPage(q.vector, page.limit, { offset: page.offset, only: page.only });
  return { results: results.map((r) => withSentences(matrix, q, { hash: r.key, score: r.score * q.norm })), total };
}

/** These photos scored against the query (the ones the matrix holds), best first: photos indexed since the query was made. */
export function rescored(matrix: EmbeddingMatrix, q: QueryVector, hashes: readonly string[]): RankedPhoto[] {
  const out: RankedPhoto[] = [];
  for (const hash of new Set(hashes)) {
    const score = matrix.score(hash, q.vector);
    if (score !== null) out.push(withSentences(matrix, q, { hash, score: score * q.norm }));
  }
  return out.sort((a, b) => b.score - a.score || (matrix.rowOf(a.hash) ?? 0) - (matrix.rowOf(b.hash) ?? 0));
}

function withSentences(matrix: EmbeddingMatrix, q: QueryVector, r: RankedPhoto): RankedPhoto {
  if (q.parts) r.sentenceScores = q.parts.map((p) => matrix.score(r.hash, p)!);
  return r;
}

function withNorm(vector: Float32Array): QueryVector {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new Error('The query cancels itself out: its terms add up to nothing. Change a weight or a sign.');
  return { vector, norm, parts: null, sentences: null };
}

function photoVector(matrix: EmbeddingMatrix, hash: string): Float32Array {
  const vector = matrix.get(hash);
  if (!vector) throw new Error('That photo is not indexed under this model.');
  return vector;
}

/** The weighted sum of the terms' unit embeddings, made unit length (rclip's way of adding and subtracting queries). */
async function termsVector(terms: readonly QueryTerm[], contextLength: number, deps: SearchDeps): Promise<Float32Array> {
  if (!terms.length) throw new Error('The query has no terms.');
  const texts = terms.filter((t): t is Extract<QueryTerm, { kind: 'text' }> => t.kind === 'text');
  const embedded = texts.length
    ? await deps.embedTexts(
        texts.map((t) => t.text),
        contextLength,
      )
    : [];
  const sum = new Float32Array(deps.matrix.dim);
  let next = 0;
  for (const term of terms) {
    const unit = term.kind === 'text' ? normalized(embedded[next++]!) : photoVector(deps.matrix, term.hash);
    for (let d = 0; d < sum.length; d++) sum[d] = sum[d]! + term.weight * unit[d]!;
  }
  return normalized(sum);
}
