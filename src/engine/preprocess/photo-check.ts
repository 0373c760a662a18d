// The checks every photo passes before a decoder sees its bytes, in the browser and in Node.
import { checkComplete, otherImageFormat, readImageHeader, type ImageFormat } from './image-size';
import { damaged, formatNotDecoded, REASON_EMPTY, REASON_NOT_IMAGE, REASON_TRUNCATED, tooLarge } from './skip-reasons';

/** Pixels of a larger image than this are not decoded (a header can claim anything). */
export const MAX_PIXELS = 100_000_000;

/**
 * Refuses, from the bytes alone and before any decoder sees them, what would fail or should not
 * be decoded: content in no image format the app decodes (whatever the file's name), a header claiming more than MAX_PIXELS, a truncated PNG or JPEG
 * (PIL, the official pipeline, refuses those; Chromium would decode them with a grey bottom),
 * a header no decoder accepts. Throws an Error whose message is the reason shown to the user.
 */
export function checkPhotoBytes(bytes: Uint8Array): { format: ImageFormat; width: number | null; height: number | null } {
  if (bytes.length === 0) throw new Error(REASON_EMPTY);
  const header = readImageHeader(bytes);
  if (header.kind === 'unknown') {
    const other = otherImageFormat(bytes);
    throw new Error(other ? formatNotDecoded(other) : REASON_NOT_IMAGE);
  }
  if (header.kind === 'truncated') throw new Error(REASON_TRUNCATED);
  if (header.kind === 'corrupt') throw new Error(damaged(header.detail));
  const { format, width, height } = header;
  if (width !== null && height !== null && width * height > MAX_PIXELS) throw new Error(tooLarge(width, height));
  const whole = checkComplete(bytes, format);
  if (whole.kind === 'truncated') throw new Error(REASON_TRUNCATED);
  if (whole.kind === 'corrupt') throw new Error(damaged(whole.detail));
  return { format, width, height };
}

/** Refuses a decoded image larger than MAX_PIXELS (for formats whose header gave no size). */
export function checkDecodedSize(width: number, height: number): void {
  if (width * height > MAX_PIXELS) throw new Error(tooLarge(width, height));
}
