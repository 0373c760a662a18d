// A video's sampled frames live in the index as rows of their own, keyed by the video's hash and
// the frame's time: "<sha256>@<ms>". Photo keys are bare hashes, so a key with "@" is a frame.

const SEPARATOR = '@';

/** The key of the frame of video `hash` at `ms` milliseconds (an integer). */
export function frameKey(hash: string, ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`a frame time must be whole milliseconds, got ${ms}`);
  return `${hash}${SEPARATOR}${ms}`;
}

/** The video and time of a frame key; null for a photo's key. */
export function parseFrameKey(key: string): { video: string; ms: number } | null {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return null;
  const ms = Number(key.slice(at + 1));
  if (!Number.isInteger(ms) || ms < 0) return null;
  return { video: key.slice(0, at), ms };
}

/** The video hash of a frame key, or the key itself (a photo). */
export function itemOf(key: string): string {
  const at = key.indexOf(SEPARATOR);
  return at < 0 ? key : key.slice(0, at);
}

export const isFrameKey = (key: string): boolean => key.includes(SEPARATOR);

/** A time as the app shows a moment: m:ss (h:mm:ss past an hour). */
export function formatMoment(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
