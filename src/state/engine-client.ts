// The page's one inference worker, and what the page tells it once, in `init`: the provider a
// `?provider=` forces and the debug flags of `?e2e` (src/worker/debug-flags.ts).
import { createEngineClient, type EngineClient } from '../worker/client';
import { debugFlagsFrom } from '../worker/debug-flags';
import type { RequestOf } from '../worker/protocol';

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

/** The worker's first request. */
export function initRequest(): RequestOf<'init'> {
  return { type: 'init', forceProvider: forcedProvider(), debug: debugFlagsFrom(location.search) };
}
