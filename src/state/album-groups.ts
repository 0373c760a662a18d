// Zero-shot albums as the page shows them: each photo's best category (from the worker's
// scores), grouped into albums ranked by score, with the "Unsorted" rule
// (engine/query/unsorted.ts); the template lines the user typed, and the CSV export.
import { clearlyBest } from '../engine/query/unsorted';
import { SLOT } from '../engine/query/zero-shot';
import type { FileRecord } from '../library/schema';
import type { AlbumScores } from '../worker/protocol';

/** The album of photos whose best category is not clearly ahead of the rest. */
export const UNSORTED = 'Unsorted';

/** One photo's place: its best category (index into the labels), that score, and how clearly it leads. */
export interface AlbumPhoto {
  label: number;
  score: number;
  margin: number;
  spread: number;
}

export interface AlbumGroup {
  /** The category, or UNSORTED. */
  name: string;
  /** Photos (hashes), best score first. */
  photos: string[];
  /** The best-scoring photo, null for an empty album. */
  cover: string | null;
}

/** The worker's scores, by hash, added to (or replacing) those kept. */
export function withScores(kept: ReadonlyMap<string, AlbumPhoto> | null, scores: AlbumScores): Map<string, AlbumPhoto> {
  const out = new Map(kept ?? []);
  scores.hashes.forEach((hash, i) => {
    out.set(hash, { label: scores.best[i]!, score: scores.score[i]!, margin: scores.margin[i]!, spread: scores.spread[i]! });
  });
  return out;
}

/** The album a photo goes to: its category, or UNSORTED when the rule is on and its lead is unclear. */
export function albumOf(labels: readonly string[], photo: AlbumPhoto, unsortedRule: boolean): string {
  return unsortedRule && !clearlyBest(photo.margin, photo.spread) ? UNSORTED : labels[photo.label]!;
}

/** One album per category in the categories' order (empty ones too), then Unsorted when it has photos. */
export function albumGroups(labels: readonly string[], photos: ReadonlyMap<string, AlbumPhoto>, unsortedRule: boolean): AlbumGroup[] {
  const members = new Map<string, { hash: string; score: number }[]>([...labels, UNSORTED].map((name) => [name, []]));
  for (const [hash, photo] of photos) members.get(albumOf(labels, photo, unsortedRule))!.push({ hash, score: photo.score });
  const groups: AlbumGroup[] = [];
  for (const [name, list] of members) {
    if (name === UNSORTED && list.length === 0) continue;
    list.sort((a, b) => b.score - a.score || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    groups.push({ name, photos: list.map((p) => p.hash), cover: list[0]?.hash ?? null });
  }
  return groups;
}

/** The template lines typed: those with {} are used, each one without is a problem to show. */
export function templateLines(text: string): { templates: string[]; problems: string[] } {
  const templates: string[] = [];
  const problems: string[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.includes(SLOT)) templates.push(line);
    else problems.push(`Line ${i + 1}, "${line}", has no ${SLOT} for the category name; it is not used.`);
  });
  return { templates, problems };
}

/** A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * `path,label,score`, one row per file in the library's order (a photo added twice has two rows),
 * CRLF line ends as RFC 4180 has them. An Unsorted photo's label is "Unsorted"; its score is its
 * best category's. Files without scores (not indexed yet) are left out.
 */
export function albumsCsv(files: readonly FileRecord[], labels: readonly string[], photos: ReadonlyMap<string, AlbumPhoto>, unsortedRule: boolean): string {
  const rows = ['path,label,score'];
  for (const file of files) {
    const photo = photos.get(file.hash);
    if (!photo) continue;
    rows.push([csvField(file.path), csvField(albumOf(labels, photo, unsortedRule)), photo.score.toFixed(6)].join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}
