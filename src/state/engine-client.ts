import { createEngineClient, type EngineClient } from '../worker/client';

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
