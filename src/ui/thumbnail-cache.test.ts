import { describe, expect, it } from 'vitest';
import { createThumbnailCache } from './thumbnail-cache';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('thumbnail cache', () => {
  it('loads a thumbnail once for several users and keeps recent unused ones', async () => {
    const loads: string[] = [];
    const cache = createThumbnailCache(async (h) => (loads.push(h), new Blob([h])), 1);
    const [a, b] = await Promise.all([cache.acquire('a'), cache.acquire('a')]);
    expect(a).toMatch(/^blob:/);
    expect(b).toBe(a);
    cache.release('a');
    cache.release('a');
    await cache.acquire('b');
    cache.release('b');
    await tick();
    // "a" fell out of the idle window of one; "b" stays.
    expect(cache.size()).toBe(1);
    await cache.acquire('b');
    expect(loads).toEqual(['a', 'b']);
  });

  it('asks again for a thumbnail that was missing', async () => {
    let calls = 0;
    const cache = createThumbnailCache(async () => (calls++ ? new Blob(['x']) : null));
    expect(await cache.acquire('a')).toBeNull();
    cache.release('a');
    await tick();
    expect(await cache.acquire('a')).toMatch(/^blob:/);
    expect(calls).toBe(2);
  });
});
