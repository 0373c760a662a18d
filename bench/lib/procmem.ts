/** Resident memory of a process, from Linux's /proc/<pid>/status. */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size so far (the high-water mark), bytes. */
  hwm: number;
}

/** Null when the process is gone (or /proc is not there). */
export function readProcMemory(pid: number): ProcMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  return Number.isFinite(rss) ? { rss, hwm: Number.isFinite(hwm) ? hwm : rss } : null;
}

/**
 * Samples a process's memory every `intervalMs` until `stop()`: the peak is the largest
 * high-water mark (or resident size) seen, so a spike between samples still counts.
 */
export class MemorySampler {
  peak = 0;
  last: ProcMemory | null = null;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    readonly pid: number,
    intervalMs = 50,
    private readonly onSample?: (m: ProcMemory) => void,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): ProcMemory | null {
    const m = readProcMemory(this.pid);
    if (m) {
      this.last = m;
      this.peak = Math.max(this.peak, m.hwm, m.rss);
      this.onSample?.(m);
    }
    return m;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const MB = 1024 * 1024;
