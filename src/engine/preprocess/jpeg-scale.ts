// How far a JPEG may be shrunk while it is decoded (libjpeg's DCT scaling) and still give the
// official preprocessing the pixels it needs: the shorter side stays at least twice the model's
// input, so the antialiased bicubic resize that follows still averages over real detail.

export type JpegScale = 1 | 2 | 4 | 8;

const SCALES: readonly JpegScale[] = [8, 4, 2, 1];

/** libjpeg's output size for a side of `size` pixels decoded at 1/scale. */
export const scaledSide = (size: number, scale: JpegScale): number => Math.ceil(size / scale);

/** The largest DCT scale (1/1, 1/2, 1/4, 1/8) that keeps the shorter side at least 2 x `resolution`. */
export function jpegScaleFor(width: number, height: number, resolution: number): JpegScale {
  const shorter = Math.min(width, height);
  return SCALES.find((s) => scaledSide(shorter, s) >= 2 * resolution) ?? 1;
}
