// The page's one inference worker, and what the page tells it once, in `init`: the provider a
// `?provider=` forces and the debug flags of `?e2e` (src/worker/debug-flags.ts).
import { createEngineClient, type EngineClient } from '../worker/client';
import { debugFlagsFrom } from '../worker/debug-flags';
import type { RequestOf } from '../worker/protocol';
import type { TimedChoice } from '../worker/providers';

let client: EngineClient | null = null;

/** The one inference worker of the page, started on first use. */
export function engineClient(): EngineClient {
  client ??= createEngineClient();
  return client;
}

/** `?provider=wasm` or `?provider=webgpu` forces the execution provider. */
export function forcedProvider(): 'wasm' | 'webgpu' | null {
  const p = new URLSearchParams(location.search).get('provider');
  return p === 'wasm' || p === 'webgpu' ? p : null;
}

const TIMED_KEY = 'longclip.timedProviders';

/** What timing WebGPU against WASM found on this browser's GPUs (model-host.ts), by device. */
export function timedProviders(): Record<string, TimedChoice> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(TIMED_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, TimedChoice>) : {};
  } catch {
    return {};
  }
}

/** Remembers a device's timing, so the next visit goes straight to the faster provider. */
export function rememberTimedProvider(device: string, choice: TimedChoice): void {
  try {
    localStorage.setItem(TIMED_KEY, JSON.stringify({ ...timedProviders(), [device]: choice }));
  } catch {
    // No storage: the next visit times again.
  }
}

/** The worker's first request. */
export function initRequest(): RequestOf<'init'> {
  return { type: 'init', forceProvider: forcedProvider(), timedProviders: timedProviders(), debug: debugFlagsFrom(location.search) };
}
