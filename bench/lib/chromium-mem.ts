// Resident memory of one Chromium instance's processes, read from /proc (Linux only). The
// processes are the descendants of the browser process Playwright started, so other Chromiums
// running on the machine are never counted.
import { readdirSync, readFileSync } from 'node:fs';
import { readProcMemory } from './procmem';

interface Proc {
  pid: number;
  ppid: number;
  type: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: ppid is the 2nd field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
    return { pid, ppid, type };
  } catch {
    return null;
  }
}

/** The process tree under `rootPid` (the root included), with each process's --type. */
export function chromiumProcesses(rootPid: number): Proc[] {
  const all: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) all.push(p);
  }
  const inTree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid)).map((p) => (p.pid === rootPid ? { ...p, type: 'browser' } : p));
}

export interface MemSample {
  /** Renderer and GPU processes together (VmRSS sum). */
  rendererGpu: number;
  /** The browser process alone (it holds Blob storage). */
  browser: number;
}

export function sampleMemory(rootPid: number): MemSample {
  let rendererGpu = 0;
  let browser = 0;
  for (const p of chromiumProcesses(rootPid)) {
    if (p.type === 'renderer' || p.type === 'gpu-process') rendererGpu += readProcMemory(p.pid)?.rss ?? 0;
    else if (p.type === 'browser') browser += readProcMemory(p.pid)?.rss ?? 0;
  }
  return { rendererGpu, browser };
}

/** Samples every `intervalMs` until stopped; returns the baseline (taken at start) and the peaks. */
export function startMemorySampler(rootPid: number, intervalMs = 50) {
  const baseline = sampleMemory(rootPid);
  const peak = { ...baseline };
  let samples = 1;
  const tick = () => {
    const s = sampleMemory(rootPid);
    peak.rendererGpu = Math.max(peak.rendererGpu, s.rendererGpu);
    peak.browser = Math.max(peak.browser, s.browser);
    samples++;
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { baseline, peak, samples };
    },
  };
}
