// The search request: a query (text, photo, sentence-aware text or weighted terms) turned into
// one query vector and ranked against the model's embedding matrix.
import { sentenceStats, type SentenceStats } from '../engine/query/sentence-matches';
import { sentenceAwareQuery } from '../engine/query/sentence-scoring';
import { splitSentences } from '../engine/query/sentences';
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import type { Query, QueryTerm, RankedPhoto, SearchResult } from './protocol';

export interface SearchDeps {
  matrix: EmbeddingMatrix;
  /** Text embeddings (not normalised) of these texts, cut to `contextLength` tokens. */
  embedTexts(texts: string[], contextLength: number): Promise<Float32Array[]>;
}

export async function search(query: Query, limit: number | null, deps: SearchDeps): Promise<SearchResult> {
  const { matrix } = deps;
  if (query.kind === 'photo') return { results: ranked(matrix, photoVector(matrix, query.hash), limit), sentences: null };
  if (query.kind === 'terms') return { results: ranked(matrix, await termsVector(query.terms, query.contextLength, deps), limit), sentences: null };

  const sentences = query.sentences ? splitSentences(query.text) : [];
  if (sentences.length < 2) {
    const [whole] = await deps.embedTexts([query.text], query.contextLength);
    return { results: ranked(matrix, normalized(whole!), limit), sentences: null };
  }
  const [whole, ...parts] = await deps.embedTexts([query.text, ...sentences], query.contextLength);
  const combined = sentenceAwareQuery(whole!, parts);
  const results = ranked(matrix, combined, limit);
  // Every photo's score per sentence (row order, unsorted): the spread over the library says what a match is.
  const perSentence = parts.map((p) => matrix.scoreAll(p));
  const stats: SentenceStats[] = sentences.map((text, i) => sentenceStats(text, perSentence[i]!));
  for (const r of results) {
    const row = matrix.rowOf(r.hash)!;
    r.sentenceScores = perSentence.map((scores) => scores[row]!);
  }
  return { results, sentences: stats };
}

/**
 * Ranks by the dot product with `query`, which need not be unit length: the matrix ranks by
 * cosine, and the score is scaled back by the query's norm (so a sentence-aware score is the
 * mean of its cosines, as sentence-scoring.ts defines it).
 */
function ranked(matrix: EmbeddingMatrix, query: Float32Array, limit: number | null): RankedPhoto[] {
  let norm = 0;
  for (const v of query) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new Error('The query cancels itself out: its terms add up to nothing. Change a weight or a sign.');
  return matrix.rank(query, limit).map((r) => ({ hash: r.key, score: r.score * norm }));
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
