// User Timing marks of the search's stages (visible in the browser's performance panel; the
// library-scale benchmark reads them). Each name keeps only its latest mark.

export type TimingMark = 'search:sent' | 'search:results' | 'search:fresh' | 'search:merged';

export function markTiming(name: TimingMark, detail?: Record<string, number>): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  performance.clearMarks(name);
  performance.mark(name, detail ? { detail } : undefined);
}
