// The search: a query (text, photo, sentence-aware text or weighted terms) turned into one query
// vector, kept, and ranked against the model's embedding matrix a page at a time.
import { MATCH_RELEVANCE, relevanceOf, type ScoreSpread } from '../engine/query/relevance';
import { sentenceStats, type SentenceStats } from '../engine/query/sentence-matches';
import { sentenceAwareQuery } from '../engine/query/sentence-scoring';
import { splitSentences } from '../engine/query/sentences';
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import { parseFrameKey } from '../engine/video/frame-key';
import { itemVector } from '../engine/video/item-rows';
import type { Query, QueryTerm, RankedPhoto, SearchPage, VideoMoment } from './protocol';

export interface SearchDeps {
  matrix: EmbeddingMatrix;
  /** Text embeddings (not normalised) of these texts, cut to `contextLength` tokens. */
  embedTexts(texts: string[], contextLength: number): Promise<Float32Array[]>;
  /** The empty text's unit embedding and every row's cosine with it (engine/query/relevance.ts). */
  emptyText(): Promise<EmptyTextScores>;
}

export interface EmptyTextScores {
  vector: Float32Array;
  /** Cosines of the matrix's rows, in row order. */
  scores: Float32Array;
}

/** A query's relevance scale: its spread over the library, each row's baseline, and which rows are matches. */
export interface QueryRelevance {
  spread: ScoreSpread;
  /** The empty-text baseline (text queries), or null: the library's mean is the baseline. */
  emptyText: EmptyTextScores | null;
  /** The rows the spread is over, when not all the rows there were (videos: their best frames); null: rows [0, spread.count). */
  spreadRows: Uint8Array | null;
  /** Row flags, 1 for a match; grown as photos indexed later are scored. */
  matches: Uint8Array;
  count: number;
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
  relevance: QueryRelevance;
  /**
   * With videos in the library: the rows that stand for an item, each photo and each video's best
   * frame for this query (EmbeddingMatrix.bestFrames), so a video is ranked once, at its best moment.
   */
  items: Uint8Array | null;
}

export async function queryVector(query: Query, deps: SearchDeps): Promise<QueryVector> {
  const direction = await queryDirection(query, deps);
  const hasText = query.kind === 'text' || (query.kind === 'terms' && query.terms.some((t) => t.kind === 'text'));
  const { matrix } = deps;
  // With videos, each counts once, by its best frame: in the ranking, the spread and the matches.
  const items = matrix.videoCount ? matrix.bestFrames(direction.vector) : null;
  const relevance = relevanceScan(matrix, direction.vector, hasText ? await deps.emptyText() : null, items);
  // Every photo's score per sentence: the spread over the library says what a match is.
  const sentences = direction.sentenceTexts?.map((text, i) => sentenceStats(text, itemScores(matrix.scoreAll(direction.parts![i]!), items))) ?? null;
  const { sentenceTexts: _, ...vector } = direction;
  return { ...vector, sentences, relevance, items };
}

/** The scores of the rows that stand for an item (all rows without videos). */
function itemScores(scores: Float32Array, items: Uint8Array | null): Float32Array {
  return items ? scores.filter((_, r) => items[r] === 1) : scores;
}

type Direction = Omit<QueryVector, 'relevance' | 'items' | 'sentences'> & { sentenceTexts: string[] | null };

async function queryDirection(query: Query, deps: SearchDeps): Promise<Direction> {
  const { matrix } = deps;
  if (query.kind === 'photo') return withNorm(photoVector(matrix, query.hash));
  if (query.kind === 'terms') return withNorm(await termsVector(query.terms, query.contextLength, deps));
  const sentences = query.sentences ? splitSentences(query.text) : [];
  if (sentences.length < 2) {
    const [whole] = await deps.embedTexts([query.text], query.contextLength);
    return withNorm(normalized(whole!));
  }
  const [whole, ...parts] = await deps.embedTexts([query.text, ...sentences], query.contextLength);
  return { ...withNorm(sentenceAwareQuery(whole!, parts)), parts, sentenceTexts: sentences };
}

function relevanceScan(matrix: EmbeddingMatrix, vector: Float32Array, emptyText: EmptyTextScores | null, items: Uint8Array | null): QueryRelevance {
  const scan = matrix.relevance(vector, emptyText?.scores ?? null, MATCH_RELEVANCE, items);
  return { spread: scan.spread, spreadRows: items ? items.slice() : null, emptyText, matches: scan.matches, count: scan.count };
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
  page: { offset: number; limit: number | null; only: Uint8Array | null; matchesOnly: boolean },
): SearchPage {
  const filter = itemsOf(q, page.only);
  const only = page.matchesOnly ? both(q.relevance.matches, filter) : filter;
  const { results, total } = matrix.rankPage(q.vector, page.limit, { offset: page.offset, only });
  return {
    results: results.map((r) => ranked(matrix, q, r.key, r.score)),
    total,
    matches: matchCount(q, page.only),
    ranked: rankedCount(matrix, q, page.only),
  };
}

/** Photos and videos the filter lets through (all of them without one). */
export function rankedCount(matrix: EmbeddingMatrix, q: QueryVector, only: Uint8Array | null): number {
  const filter = itemsOf(q, only);
  return filter ? filter.reduce((n, f) => n + f, 0) : matrix.itemCount;
}

/** The rows a filter lets through that stand for an item (a photo, a video's best frame). */
function itemsOf(q: QueryVector, only: Uint8Array | null): Uint8Array | null {
  return q.items ? both(q.items, only) : only;
}

/** Matches among the rows `only` lets through (all rows without it). */
export function matchCount(q: QueryVector, only: Uint8Array | null): number {
  if (!only) return q.relevance.count;
  let n = 0;
  q.relevance.matches.forEach((m, r) => (n += m & (only[r] ?? 0)));
  return n;
}

/**
 * These photos and videos scored against the query (the ones the matrix holds), best first: those
 * indexed since the query was made (a video: its best frame so far). Those that are matches join
 * the query's matches (later pages rank them).
 */
export function rescored(matrix: EmbeddingMatrix, q: QueryVector, hashes: readonly string[]): RankedPhoto[] {
  const out: { photo: RankedPhoto; row: number }[] = [];
  for (const hash of new Set(hashes)) {
    const best = bestRow(matrix, q, hash);
    if (!best) continue;
    const photo = ranked(matrix, q, best.key, best.cosine);
    const frames = matrix.frameRows(hash);
    if (frames.length) {
      q.items = grown(q.items ?? new Uint8Array(matrix.size).fill(1), matrix.size, 1);
      for (const r of frames) setMatch(q.relevance, r, false, matrix.size);
      for (const r of frames) q.items[r] = 0;
      q.items[best.row] = 1;
    } else if (q.items) {
      q.items = grown(q.items, matrix.size, 1);
    }
    setMatch(q.relevance, best.row, photo.relevance >= MATCH_RELEVANCE, matrix.size);
    out.push({ photo, row: best.row });
  }
  return out.sort((a, b) => b.photo.score - a.photo.score || a.row - b.row).map((o) => o.photo);
}

/** Moments shown on a video's timeline at most. */
export const MOMENTS_SHOWN = 12;

/**
 * A video's good moments for the query, in time order: its frames that are matches, or at least
 * its best one; the best MOMENTS_SHOWN of them.
 */
export function videoMoments(matrix: EmbeddingMatrix, q: QueryVector, hash: string): VideoMoment[] {
  const frames = matrix.frameRows(hash).map((r) => {
    const key = matrix.keyAt(r)!;
    const photo = ranked(matrix, q, key, matrix.score(key, q.vector)!);
    return { frame: key, ms: photo.moment!.ms, score: photo.score, relevance: photo.relevance };
  });
  const byScore = frames.sort((a, b) => b.score - a.score || a.ms - b.ms);
  const good = byScore.filter((m, i) => i === 0 || m.relevance >= MATCH_RELEVANCE).slice(0, MOMENTS_SHOWN);
  return good.sort((a, b) => a.ms - b.ms);
}

/** A photo's row, or a video's best frame row, with its cosine. */
function bestRow(matrix: EmbeddingMatrix, q: QueryVector, hash: string): { key: string; row: number; cosine: number } | null {
  const row = matrix.rowOf(hash);
  if (row !== undefined) return { key: hash, row, cosine: matrix.score(hash, q.vector)! };
  let best: { key: string; row: number; cosine: number } | null = null;
  for (const r of matrix.frameRows(hash)) {
    const key = matrix.keyAt(r)!;
    const cosine = matrix.score(key, q.vector)!;
    if (!best || cosine > best.cosine) best = { key, row: r, cosine };
  }
  return best;
}

function grown(flags: Uint8Array, rows: number, fill: number): Uint8Array {
  if (flags.length >= rows) return flags;
  const out = new Uint8Array(rows).fill(fill);
  out.set(flags);
  return out;
}

function setMatch(relevance: QueryRelevance, row: number, match: boolean, rows: number): void {
  relevance.matches = grown(relevance.matches, rows, 0);
  if (!!relevance.matches[row] !== match) relevance.count += match ? 1 : -1;
  relevance.matches[row] = match ? 1 : 0;
}

function both(a: Uint8Array, b: Uint8Array | null): Uint8Array {
  if (!b) return a;
  const out = new Uint8Array(Math.max(a.length, b.length));
  for (let r = 0; r < out.length; r++) out[r] = (a[r] ?? 0) & (b[r] ?? 0);
  return out;
}

/** A ranked photo (or video, by the frame `key`) from its cosine with the unit query: score, relevance, sentence scores. */
function ranked(matrix: EmbeddingMatrix, q: QueryVector, key: string, cosine: number): RankedPhoto {
  const { spread, emptyText } = q.relevance;
  const row = matrix.rowOf(key) ?? -1;
  const baseline = emptyText ? (emptyText.scores[row] ?? matrix.score(key, emptyText.vector)) : null;
  const frame = parseFrameKey(key);
  const r: RankedPhoto = {
    hash: frame?.video ?? key,
    score: cosine * q.norm,
    relevance: relevanceOf(cosine, baseline, spread, inSpread(q.relevance, row)),
  };
  if (frame) r.moment = { frame: key, ms: frame.ms };
  if (q.parts) r.sentenceScores = q.parts.map((p) => matrix.score(key, p)!);
  return r;
}

/** Whether a row's score is part of the query's spread (it is then left out of the spread it is measured by). */
function inSpread(relevance: QueryRelevance, row: number): boolean {
  return relevance.spreadRows ? relevance.spreadRows[row] === 1 : row >= 0 && row < relevance.spread.count;
}

function withNorm(vector: Float32Array): Direction {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new Error('The query cancels itself out: its terms add up to nothing. Change a weight or a sign.');
  return { vector, norm, parts: null, sentenceTexts: null };
}

/** A photo's vector, a video frame's ("<hash>@<ms>"), or for a whole video the mean of its frames (engine/video/item-rows.ts). */
function photoVector(matrix: EmbeddingMatrix, hash: string): Float32Array {
  const vector = itemVector(matrix, hash);
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
