// Words for what the stores hold: pure functions, shared by the components and tested alone.
import type { Architecture } from '../engine/checkpoint/architecture-types';
import type { TaskProgress } from '../worker/protocol';
import { formatBytes, formatDuration, plural } from '../engine/format';
import { relevanceLevel, type RelevanceLevel } from '../engine/query/relevance';

const VIT_SIZES: Record<number, string> = { 768: 'B', 1024: 'L', 1280: 'H' };

/** "ViT-B/16, 224 px, 512-d embeddings" (or the raw width where the size has no letter). */
export function architectureName(a: Architecture): string {
  const size = VIT_SIZES[a.vision.width] ?? `${a.vision.width}w`;
  return `ViT-${size}/${a.vision.patchSize}, ${a.vision.resolution} px, ${a.embedDim}-d embeddings`;
}

/** The status line after an indexing run: "12 photos indexed (3 newly embedded)", with videos "12 photos and 2 videos indexed (…)". */
export function indexedMessage(run: { indexed: number; videos?: number; newlyEmbedded: number }): string {
  const videos = run.videos ?? 0;
  const what = videos ? `${plural(run.indexed - videos, 'photo')} and ${plural(videos, 'video')}` : plural(run.indexed, 'photo');
  return `${what} indexed (${run.newlyEmbedded} newly embedded)`;
}

/** "120 MB of 599 MB · 8.1 MB/s · 1 min 2 s left" for downloads; "42 %" otherwise. */
export function taskDetail(task: TaskProgress): string {
  if (task.phase === 'download') {
    const parts = [task.total > 0 ? `${formatBytes(task.done)} of ${formatBytes(task.total)}` : formatBytes(task.done)];
    if (task.rate > 0) parts.push(`${formatBytes(task.rate)}/s`);
    if (task.etaSeconds !== null) parts.push(`${formatDuration(task.etaSeconds)} left`);
    return parts.join(' · ');
  }
  const parts = task.total > 0 ? [`${Math.floor((100 * Math.min(task.done, task.total)) / task.total)} %`] : [];
  if (task.etaSeconds !== null) parts.push(`${formatDuration(task.etaSeconds)} left`);
  return parts.join(' · ');
}

/** "37 / 120 photos · 4.2 photos/s · 21 s left". */
export function indexingDetail(task: TaskProgress): string {
  const parts = [`${task.done} / ${task.total} photos`];
  if (task.rate > 0) parts.push(`${task.rate.toFixed(task.rate < 10 ? 1 : 0)} photos/s`);
  if (task.etaSeconds !== null) parts.push(`${formatDuration(task.etaSeconds)} left`);
  return parts.join(' · ');
}

export const PHASE_NAMES: Record<TaskProgress['phase'], string> = {
  download: 'Downloading',
  convert: 'Converting',
  load: 'Loading',
  index: 'Indexing',
  duplicates: 'Comparing',
};

export interface Skipped {
  path: string;
  reason: string;
}

/**
 * The skipped list as shown: one entry per path (a file added again keeps its latest reason),
 * in path order (code units, the same in every locale).
 */
export function uniqueSkipped(list: readonly Skipped[]): Skipped[] {
  const byPath = new Map<string, string>();
  for (const s of list) byPath.set(s.path, s.reason);
  return Array.from(byPath, ([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** How many files each reason skipped, most first (then by reason). */
export function skippedByReason(list: readonly Skipped[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of list) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return Array.from(counts, ([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

const RELEVANCE_WORDS: Record<RelevanceLevel, string> = { strong: 'Strong match', match: 'Match', weak: 'Weak', none: 'No match' };

/** "Strong match", "Match", "Weak", "No match": the same words in every query mode. */
export function relevanceWords(relevance: number): string {
  return RELEVANCE_WORDS[relevanceLevel(relevance)];
}

/** "+3.2 σ" for the viewer: the number behind the words (README "Matches and relevance"). */
export function relevanceDetail(relevance: number): string {
  return `${relevance >= 0 ? '+' : '−'}${Math.abs(relevance).toFixed(1)} σ`;
}

/** The count over the grid while only matches are shown: "7 matches of 40 photos" (those the filters let through). */
export function matchesHeading(matches: number, ranked: number): string {
  return `${plural(matches, 'match', 'matches')} of ${plural(ranked, 'photo')}`;
}
