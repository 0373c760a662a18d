// Zero-shot classification, computed as the official CLIP / Long-CLIP evaluation does it (prompt
// ensembling): photos sorted into categories the user names, from their stored embeddings.
import { dotAt, EmbeddingMatrix, normalized } from '../rank';

/** The template used when none is given (CLIP's plainest one). */
export const DEFAULT_TEMPLATE = 'a photo of a {}.';

/** Where a template takes the category name. */
export const SLOT = '{}';

/** More categories than this is not a list a person typed (ImageNet's 1000 are the largest common set). */
export const MAX_LABELS = 1000;

/** CLIP's ImageNet ensemble has 80 templates. */
export const MAX_TEMPLATES = 100;

/** Sentences per call of the text encoder. */
const TEXT_BATCH = 64;

/** A category list or template list that cannot be used; the message says what to change. */
export class ZeroShotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZeroShotError';
  }
}

/** Embeds texts with the text encoder, one raw (or unit) embedding per text, in order. */
export type EmbedTexts = (texts: string[]) => Promise<Float32Array[]>;

/** The categories' vectors: one unit row per label, in label order. */
export interface ClassVectors {
  labels: string[];
  templates: string[];
  dim: number;
  /** labels.length x dim, row-major. */
  vectors: Float32Array;
}

/** How every photo scored: row-major cosines, the best category and its lead over the runner-up. */
export interface ZeroShotScores {
  /** Photos scored (rows). */
  count: number;
  labels: string[];
  /** count x labels.length cosines: scores[row * labels.length + label]. */
  scores: Float32Array;
  /** Each photo's category: the index of its highest score (the first one on a tie). */
  best: Int32Array;
  /** Best minus runner-up score; Infinity with a single category. */
  margin: Float32Array;
}

/** The non-blank lines of a text, trimmed: a category list or template list typed one per line. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Checks and trims categories and templates; throws a ZeroShotError that names what is wrong. */
export function checkZeroShot(labels: readonly string[], templates: readonly string[]): { labels: string[]; templates: string[] } {
  return { labels: checkLabels(labels), templates: checkTemplates(templates) };
}

/** Trimmed categories: at least one, none empty, none twice, at most MAX_LABELS. */
export function checkLabels(labels: readonly string[]): string[] {
  const names = labels.map((l) => l.trim());
  if (names.length === 0) throw new ZeroShotError('no categories: give at least one');
  if (names.length > MAX_LABELS) throw new ZeroShotError(`${names.length} categories: at most ${MAX_LABELS}`);
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new ZeroShotError(`category ${i + 1} is empty`);
    if (seen.has(name)) throw new ZeroShotError(`category "${name}" is listed twice`);
    seen.add(name);
  });
  return names;
}

/** Trimmed templates: at least one, each with {}, at most MAX_TEMPLATES. */
export function checkTemplates(templates: readonly string[]): string[] {
  const sentences = templates.map((t) => t.trim());
  if (sentences.length === 0) throw new ZeroShotError('no templates: give at least one');
  if (sentences.length > MAX_TEMPLATES) throw new ZeroShotError(`${sentences.length} templates: at most ${MAX_TEMPLATES}`);
  for (const t of sentences) if (!t.includes(SLOT)) throw new ZeroShotError(`template "${t}" has no ${SLOT} for the category name`);
  return sentences;
}

/** A template with the category name written into its {} (every one, if it has several). */
export function fillTemplate(template: string, label: string): string {
  return template.replaceAll(SLOT, label);
}

/**
 * The recipe's class vectors: each category written into every template, each sentence embedded
 * and made unit length, the category's sentences averaged and the mean made unit length.
 */
export async function classVectors(labels: readonly string[], templates: readonly string[], embedTexts: EmbedTexts): Promise<ClassVectors> {
  const checked = checkZeroShot(labels, templates);
  const sentences = checked.labels.flatMap((label) => checked.templates.map((t) => fillTemplate(t, label)));
  const embeddings: Float32Array[] = [];
  for (let i = 0; i < sentences.length; i += TEXT_BATCH) {
    const batch = sentences.slice(i, i + TEXT_BATCH);
    const out = await embedTexts(batch);
    if (out.length !== batch.length) throw new Error(`the text encoder gave ${out.length} embeddings for ${batch.length} sentences`);
    embeddings.push(...out);
  }
  const dim = embeddings[0]!.length;
  const per = checked.templates.length;
  const vectors = new Float32Array(checked.labels.length * dim);
  const mean = new Float64Array(dim);
  for (let c = 0; c < checked.labels.length; c++) {
    mean.fill(0);
    for (let t = 0; t < per; t++) {
      const e = embeddings[c * per + t]!;
      if (e.length !== dim) throw new RangeError(`text embedding of ${e.length} values, expected ${dim}`);
      const unit = normalized(e);
      for (let d = 0; d < dim; d++) mean[d] = mean[d]! + unit[d]! / per;
    }
    vectors.set(normalized(mean), c * dim);
  }
  return { labels: checked.labels, templates: checked.templates, dim, vectors };
}

/**
 * Every photo's cosine with every class vector, and its category (the argmax). Photos are the
 * rows of an EmbeddingMatrix (in its row order), or unit rows packed as count x dim float32.
 */
export function classify(classes: ClassVectors, photos: EmbeddingMatrix | Float32Array): ZeroShotScores {
  const { dim, vectors } = classes;
  const labelCount = classes.labels.length;
  const photosDim = photos instanceof EmbeddingMatrix ? photos.dim : dim;
  if (photosDim !== dim) throw new RangeError(`photo embeddings of ${photosDim} values, the class vectors have ${dim}`);
  if (!(photos instanceof EmbeddingMatrix) && photos.length % dim !== 0)
    throw new RangeError(`${photos.length} values is not a whole number of ${dim}-value rows`);
  const count = photos instanceof EmbeddingMatrix ? photos.size : photos.length / dim;
  const scores = new Float32Array(count * labelCount);
  for (let c = 0; c < labelCount; c++) {
    const q = vectors.subarray(c * dim, (c + 1) * dim);
    if (photos instanceof EmbeddingMatrix) {
      const column = photos.scoreAll(q);
      for (let r = 0; r < count; r++) scores[r * labelCount + c] = column[r]!;
    } else {
      for (let r = 0; r < count; r++) scores[r * labelCount + c] = dotAt(photos, r * dim, q, dim);
    }
  }
  return decide(classes.labels, scores, count);
}

/** Each of `count` rows' category (argmax, the first on a tie) and margin, from `scores` (count x labels.length). */
export function decide(labels: string[], scores: Float32Array, count: number): ZeroShotScores {
  const labelCount = labels.length;
  const best = new Int32Array(count);
  const margin = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    let top = 0;
    let first = -Infinity;
    let second = -Infinity;
    for (let c = 0; c < labelCount; c++) {
      const s = scores[r * labelCount + c]!;
      if (s > first) {
        second = first;
        first = s;
        top = c;
      } else if (s > second) second = s;
    }
    best[r] = top;
    margin[r] = first - second;
  }
  return { count, labels, scores, best, margin };
}

/** One photo's scores (a view into `result.scores`), in label order. */
export function scoresOf(result: ZeroShotScores, row: number): Float32Array {
  const n = result.labels.length;
  return result.scores.subarray(row * n, (row + 1) * n);
}
