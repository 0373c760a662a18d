// The image embedder: photos preprocessed straight into one batch tensor, one encoder run per
// batch, raw and unit vectors, refused photos leave nothing behind.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../preprocess/rgba-image';
import { pngClaiming } from '../preprocess/testing/png-bytes';
import { IMAGE_BATCH, ImageEmbedder, type EncodeImages, type PhotoDecoder } from './image-embedder';

const model = { resolution: 2, mean: [0, 0, 0], std: [1, 1, 1] };
const PLANE = 3 * 2 * 2;

/** A 2 x 2 image of one grey value (the first byte of the "file"); the thumbnail is that value. */
const decoder: PhotoDecoder<number> = {
  async decode(bytes, _type, { withThumbnail }) {
    const v = bytes[0]!;
    if (v === 0) throw new Error('not decodable');
    const image: RgbaImage = { width: 2, height: 2, data: new Uint8Array(16).fill(v) };
    return { image, width: 2, height: 2, thumbnail: withThumbnail ? v : null };
  },
};

/** An encoder that records what it was given; each embedding is (first pixel value, 2 x it). */
function recordingEncoder() {
  const runs: { pixels: Float32Array; count: number }[] = [];
  const encode: EncodeImages = async (pixels, count) => {
    runs.push({ pixels, count });
    return Array.from({ length: count }, (_, i) => new Float32Array([pixels[i * PLANE]!, 2 * pixels[i * PLANE]!]));
  };
  return { encode, runs };
}

const photo = (v: number) => new Uint8Array([v, 1, 2, 3]);

describe('ImageEmbedder', () => {
  it('preprocesses each photo into its slot of one tensor and encodes a batch in one run', async () => {
    const { encode, runs } = recordingEncoder();
    const e = new ImageEmbedder(model, encode, decoder, { batchSize: 3, checkBytes: false });
    const slots = [await e.addPhoto(photo(51), 'x', 'a'), await e.addPhoto(photo(102), 'x', 'b')];
    expect(e.size).toBe(2);
    expect(e.full).toBe(false);
    expect(slots[0]![0]).toBeCloseTo(0.2, 6);
    const out = await e.embed();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.count).toBe(2);
    // The encoder got the embedder's own tensor (no copy), the slots side by side.
    expect(runs[0]!.pixels.buffer).toBe(slots[0]!.buffer);
    expect(slots[1]!.byteOffset - slots[0]!.byteOffset).toBe(PLANE * 4);
    expect(out.map((p) => p.payload)).toEqual(['a', 'b']);
    expect(out.map((p) => p.thumbnail)).toEqual([51, 102]);
    expect(out[0]).toMatchObject({ width: 2, height: 2 });
    // The raw output as the encoder gave it, and the same made unit length.
    expect(Array.from(out[1]!.embedding)).toEqual([Math.fround(0.4), Math.fround(0.8)]);
    expect(Math.hypot(...out[1]!.vector)).toBeCloseTo(1, 6);
    expect(out[1]!.vector[1]! / out[1]!.vector[0]!).toBeCloseTo(2, 5);
    expect(e.size).toBe(0);
    expect(await e.embed()).toEqual([]);
    expect(runs).toHaveLength(1);
  });

  it('adds nothing for a photo it refuses, and says why', async () => {
    const { encode } = recordingEncoder();
    const e = new ImageEmbedder(model, encode, decoder, { checkBytes: false });
    await expect(e.addPhoto(photo(0), 'x', 'bad')).rejects.toThrow('not decodable');
    expect(e.size).toBe(0);
    // The app's checks run before the decoder: a header claiming 10 gigapixels is never decoded.
    const checked = new ImageEmbedder(model, encode, decoder);
    await expect(checked.addPhoto(pngClaiming(100_000, 100_000), 'image/png', 'huge')).rejects.toThrow('too large to decode');
    expect(checked.size).toBe(0);
  });

  it('holds one batch: the caller embeds it when full', async () => {
    const { encode } = recordingEncoder();
    const e = new ImageEmbedder(model, encode, decoder, { checkBytes: false, thumbnails: false });
    expect(e.batchSize).toBe(IMAGE_BATCH);
    for (let i = 1; i <= IMAGE_BATCH; i++) await e.addPhoto(photo(i), 'x', i);
    expect(e.full).toBe(true);
    await expect(e.addPhoto(photo(9), 'x', 9)).rejects.toThrow(RangeError);
    const out = await e.embed();
    expect(out.map((p) => p.thumbnail)).toEqual(Array(IMAGE_BATCH).fill(null));
    expect(e.full).toBe(false);
  });

  it('keeps the batch when the encoder fails, so nothing is lost or embedded twice', async () => {
    let fail = true;
    const e = new ImageEmbedder(
      model,
      async (_p, count) => {
        if (fail) throw new Error('device lost');
        return Array.from({ length: count }, () => new Float32Array([1, 0]));
      },
      decoder,
      { checkBytes: false },
    );
    await e.addPhoto(photo(7), 'x', 'a');
    await expect(e.embed()).rejects.toThrow('device lost');
    fail = false;
    expect((await e.embed()).map((p) => p.payload)).toEqual(['a']);
  });
});
