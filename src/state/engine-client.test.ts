// The page's memory of which provider won the timing on each GPU: kept across visits and sent
// with `init`; storage that is missing, full or holds junk never breaks the start.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberTimedProvider, timedProviders } from './engine-client';

function fakeStorage(initial: Record<string, string> = {}, full = false): Storage {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
      items.set(k, v);
    },
  } as Storage;
}

afterEach(() => vi.unstubAllGlobals());

describe('the remembered provider timings', () => {
  it('keeps each device’s outcome', () => {
    vi.stubGlobal('localStorage', fakeStorage());
    expect(timedProviders()).toEqual({});
    rememberTimedProvider('acme rdna', { provider: 'wasm', webgpuMs: 800, wasmMs: 600 });
    rememberTimedProvider('other gpu', { provider: 'webgpu', webgpuMs: 90, wasmMs: 2900 });
    expect(timedProviders()).toEqual({
      'acme rdna': { provider: 'wasm', webgpuMs: 800, wasmMs: 600 },
      'other gpu': { provider: 'webgpu', webgpuMs: 90, wasmMs: 2900 },
    });
  });

  it('reads junk as nothing remembered and survives a full storage', () => {
    for (const junk of ['not json', '[1,2]', 'null', '"text"']) {
      vi.stubGlobal('localStorage', fakeStorage({ 'longclip.timedProviders': junk }));
      expect(timedProviders()).toEqual({});
    }
    vi.stubGlobal('localStorage', fakeStorage({}, true));
    expect(() => rememberTimedProvider('acme rdna', { provider: 'wasm', webgpuMs: 1, wasmMs: 0.5 })).not.toThrow();
  });
});
