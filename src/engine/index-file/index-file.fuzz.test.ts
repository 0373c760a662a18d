// Fuzzing the index reader: mutated bytes and header values of a version 2 file with videos (and
// of a version 1 file) are read or refused with an IndexFileError, quickly, without reads past
// the file or growing memory.
import { describe, it } from 'vitest';
import { CountingSource } from '../checkpoint/testing/counting-source';
import { mutate } from '../checkpoint/testing/mutate';
import { BufferSource } from '../io/source';
import { expectRefusal, fuzz, fuzzSeed, type Rng } from '../testing/fuzz';
import { openIndexFile } from './reader';
import { concat, sampleVideoIndex, V1_SAMPLE } from './testing';
import { IndexFileError, PREAMBLE_BYTES } from './types';

interface Base {
  bytes: Uint8Array;
  headerLength: number;
  header: Record<string, unknown>;
  body: Uint8Array;
}

function parts(bytes: Uint8Array): Base {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength))) as Record<string, unknown>;
  return { bytes, headerLength, header, body: bytes.subarray(PREAMBLE_BYTES + headerLength) };
}

const v2 = parts(sampleVideoIndex().bytes);
const v1 = parts(V1_SAMPLE);

const VALUES: unknown[] = [
  -1,
  0,
  1,
  1.5,
  -0,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
  '4',
  '',
  'a'.repeat(64),
  '0'.repeat(64),
  null,
  true,
  [],
  {},
  [[1]],
  'image/webp',
  'text/html',
  '__proto__',
  'float16',
  'app',
  { offset: 0, length: 1, type: 'image/webp', width: 1, height: 1 },
  new Array(20).fill(0),
  [0, 500, 1000],
  [0, 500, 1000, 1500],
  [1000, 0],
  { duration: 1, frames: [0], codec: 'avc' },
  [null, null, null],
  2 ** 31 - 1,
  'video/mp4',
];

/** A path to a random field of the header: a key, or a list index then a key. */
function target(rng: Rng, h: Record<string, unknown>): [Record<string, unknown> | unknown[], string | number] {
  const top = rng.pick(['format', 'version', 'createdAt', 'createdBy', 'model', 'photos', 'files', 'thumbnailBytes', '__proto__', 'extra']);
  const v = h[top];
  if (Array.isArray(v) && v.length && rng.chance(0.8)) {
    const i = rng.int(v.length + 1);
    const item = v[Math.min(i, v.length - 1)] as Record<string, unknown>;
    if (rng.chance(0.3) || typeof item !== 'object' || item === null) return [v, i];
    const keys = [...Object.keys(item), 'constructor', 'takenAt', '__proto__', 'video', 'frameThumbnails'];
    const k = rng.pick(keys);
    const thumbnailKey = () => rng.pick(['offset', 'length', 'type', 'width', 'height']);
    if (k === 'thumbnail' && item.thumbnail && rng.chance(0.6)) return [item.thumbnail as Record<string, unknown>, thumbnailKey()];
    if (k === 'video' && item.video && typeof item.video === 'object' && rng.chance(0.7)) {
      const video = item.video as Record<string, unknown>;
      if (Array.isArray(video.frames) && rng.chance(0.4)) return [video.frames, rng.int(video.frames.length + 1)];
      return [video, rng.pick(['duration', 'frames', 'codec', 'x'])];
    }
    if (k === 'frameThumbnails' && Array.isArray(item.frameThumbnails) && rng.chance(0.7)) {
      const list = item.frameThumbnails as unknown[];
      const j = rng.int(list.length);
      const t = list[j];
      if (t && typeof t === 'object' && rng.chance(0.6)) return [t as Record<string, unknown>, thumbnailKey()];
      return [list, j];
    }
    return [item, k];
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && rng.chance(0.8)) {
    return [v as Record<string, unknown>, rng.pick([...Object.keys(v), 'x'])];
  }
  return [h, top];
}

/** The header with a few fields replaced, removed or duplicated, then the original body (and its length fixed or not). */
function jsonMutation(rng: Rng, { bytes: base, header, body }: Base): Uint8Array {
  const h = structuredClone(header);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const [holder, key] = target(rng, h);
    const r = rng.int(4);
    if (r === 0) delete (holder as Record<string | number, unknown>)[key];
    else if (r === 1 && Array.isArray(holder)) holder.push(structuredClone(holder[0]));
    else (holder as Record<string | number, unknown>)[key] = structuredClone(rng.pick(VALUES));
  }
  const json = new TextEncoder().encode(JSON.stringify(h));
  const length = rng.chance(0.9) ? Math.ceil(json.length / 4) * 4 : json.length + rng.int(9) - 4;
  const padded = new Uint8Array(Math.max(0, length)).fill(0x20);
  padded.set(json.subarray(0, padded.length));
  const pre = base.slice(0, PREAMBLE_BYTES);
  new DataView(pre.buffer).setUint32(12, padded.length, true);
  const tail = rng.chance(0.8) ? body : body.subarray(0, rng.int(body.length + 1));
  return concat([pre, padded, tail]);
}

describe('index file fuzz', () => {
  it('reads or refuses 3,000 mutated files, reading nothing past them', async () => {
    await fuzz({ name: 'index file', seed: fuzzSeed(0x1dec5), iterations: 3000, maxCallMs: 1000, budgetMs: 15_000 }, async (rng) => {
      const base = rng.chance(0.8) ? v2 : v1;
      const bytes = rng.chance(0.5) ? jsonMutation(rng, base) : mutate(rng, base.bytes, { focus: [0, PREAMBLE_BYTES + base.headerLength] });
      try {
        const r = await openIndexFile(new CountingSource(new BufferSource(bytes, 'fuzz.lcindex'), bytes.length));
        const n = r.header.photos.length;
        const rows = r.rows[n]!;
        if (r.rows.length !== n + 1) throw new Error('rows do not match the photos');
        for (const v of await r.vectors(0, rows))
          if (v.length !== r.header.model.embedDim || !v.every(Number.isFinite)) throw new Error('a bad vector got through');
        for (let i = 0; i < n; i++) {
          await r.thumbnail(i);
          const video = r.header.photos[i]!.video;
          if (!video) continue;
          if (r.rows[i + 1]! - r.rows[i]! !== video.frames.length || r.header.photos[i]!.frameThumbnails?.length !== video.frames.length)
            throw new Error('a video whose frames do not match its rows got through');
          for (let j = 0; j < video.frames.length; j++) await r.frameThumbnail(i, j);
        }
        for (const f of r.header.files)
          if (typeof f.path !== 'string' || !r.header.photos.some((p) => p.hash === f.hash)) throw new Error('a bad file got through');
      } catch (e) {
        expectRefusal(e, IndexFileError);
      }
    });
  });
});
