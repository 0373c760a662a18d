import { describe, expect, it } from 'vitest';
import {
  architectureName,
  indexedMessage,
  indexingDetail,
  matchesHeading,
  relevanceDetail,
  relevanceWords,
  skippedByReason,
  taskDetail,
  uniqueSkipped,
} from './describe';

describe('the words for what the stores hold', () => {
  it('names the indexing result, singular and plural', () => {
    expect(indexedMessage({ indexed: 1, newlyEmbedded: 1 })).toBe('1 photo indexed (1 newly embedded)');
    expect(indexedMessage({ indexed: 12, newlyEmbedded: 0 })).toBe('12 photos indexed (0 newly embedded)');
    expect(indexedMessage({ indexed: 12, videos: 0, newlyEmbedded: 0 })).toBe('12 photos indexed (0 newly embedded)');
    expect(indexedMessage({ indexed: 44, videos: 4, newlyEmbedded: 44 })).toBe('40 photos and 4 videos indexed (44 newly embedded)');
    expect(indexedMessage({ indexed: 2, videos: 1, newlyEmbedded: 1 })).toBe('1 photo and 1 video indexed (1 newly embedded)');
  });

  it('names a ViT by width and patch', () => {
    const a = { embedDim: 512, vision: { width: 768, layers: 12, heads: 12, patchSize: 16, resolution: 224 } };
    expect(architectureName(a as never)).toBe('ViT-B/16, 224 px, 512-d embeddings');
    expect(architectureName({ ...a, vision: { ...a.vision, width: 64, patchSize: 8, resolution: 32 }, embedDim: 32 } as never)).toBe(
      'ViT-64w/8, 32 px, 32-d embeddings',
    );
  });

  it('describes a download with bytes, speed and time left', () => {
    const t = { phase: 'download', label: '', done: 100 * 1024 * 1024, total: 599_000_000, rate: 8 * 1024 * 1024, etaSeconds: 62 } as const;
    expect(taskDetail(t)).toBe('100 MB of 571 MB · 8.0 MB/s · 1 min 2 s left');
    expect(taskDetail({ ...t, rate: 0, etaSeconds: null })).toBe('100 MB of 571 MB');
    expect(taskDetail({ ...t, phase: 'convert', done: 3, total: 7, etaSeconds: null })).toBe('42 %');
    expect(taskDetail({ ...t, phase: 'convert', done: 0.0607, total: 1, etaSeconds: 5 })).toBe('6 % · 5 s left');
  });

  it('describes indexing progress', () => {
    expect(indexingDetail({ phase: 'index', label: '', done: 37, total: 120, rate: 4.25, etaSeconds: 21 })).toBe('37 / 120 photos · 4.3 photos/s · 21 s left');
    expect(indexingDetail({ phase: 'index', label: '', done: 0, total: 5, rate: 0, etaSeconds: null })).toBe('0 / 5 photos');
  });

  it('lists each skipped path once, with its latest reason, in path order', () => {
    const list = [
      { path: 'b.jpg', reason: 'damaged (truncated)' },
      { path: 'a.heic', reason: 'HEIC' },
      { path: 'b.jpg', reason: 'empty file' },
      { path: 'B.jpg', reason: 'empty file' },
    ];
    expect(uniqueSkipped(list)).toEqual([
      { path: 'B.jpg', reason: 'empty file' },
      { path: 'a.heic', reason: 'HEIC' },
      { path: 'b.jpg', reason: 'empty file' },
    ]);
    expect(skippedByReason(uniqueSkipped(list))).toEqual([
      { reason: 'empty file', count: 2 },
      { reason: 'HEIC', count: 1 },
    ]);
  });

  it('says relevance in the same words in every mode, the cut at 2 deviations', () => {
    expect([5, 4, 3.9, 2, 1.99, 1, 0.5, -1].map(relevanceWords)).toEqual([
      'Strong match',
      'Strong match',
      'Match',
      'Match',
      'Weak',
      'Weak',
      'No match',
      'No match',
    ]);
    expect(relevanceDetail(3.14)).toBe('+3.1 σ');
    expect(relevanceDetail(-0.26)).toBe('−0.3 σ');
  });

  it('counts matches over the photos ranked', () => {
    expect(matchesHeading(7, 40)).toBe('7 matches of 40 photos');
    expect(matchesHeading(1, 1)).toBe('1 match of 1 photo');
  });
});
