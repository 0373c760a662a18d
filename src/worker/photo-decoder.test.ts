// What the browser pipeline refuses before the browser's decoder sees the bytes (no DOM here: a
// createImageBitmap stub proves it is never called for them). The decoding itself is tested
// in Chromium (e2e/decode.spec.ts, e2e/bad-photos.spec.ts).
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImageEmbedder } from '../engine/embed/image-embedder';
import { pngClaiming } from '../engine/preprocess/testing/png-bytes';
import { browserPhotoDecoder } from './photo-decoder';

const photo = async (format: 'png' | 'jpeg') =>
  new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      [format]()
      .toBuffer(),
  );
const embedder = () => new ImageEmbedder({ resolution: 4, mean: [0, 0, 0], std: [1, 1, 1] }, async () => [], browserPhotoDecoder);

afterEach(() => vi.unstubAllGlobals());

describe('the browser photo pipeline', () => {
  it('refuses a header claiming 100,000 x 100,000 pixels before any decoder runs', async () => {
    const decoder = vi.fn<() => Promise<ImageBitmap>>(() => Promise.reject(new Error('must not be called')));
    vi.stubGlobal('createImageBitmap', decoder);
    await expect(embedder().addPhoto(pngClaiming(100_000, 100_000), 'image/png', null)).rejects.toThrow('too large to decode (100000 x 100000 pixels)');
    expect(decoder).not.toHaveBeenCalled();
  });

  it('names the format when the browser decoder refuses bytes that looked right', async () => {
    vi.stubGlobal(
      'createImageBitmap',
      vi.fn(() => Promise.reject(new DOMException('The source image could not be decoded.', 'InvalidStateError'))),
    );
    await expect(embedder().addPhoto(await photo('jpeg'), 'image/jpeg', null)).rejects.toThrow(
      'could not be decoded (a damaged JPEG, or one this browser does not support)',
    );
  });
});
