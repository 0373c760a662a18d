// Why a file is not indexed, in words a person can act on: the app lists skipped files with
// these, and the CLI prints them. One place, so the browser and Node say the same thing.
import { FORMAT_NAMES, type ImageFormat } from './image-size';

export const REASON_SYSTEM = 'system file';
export const REASON_EMPTY = 'empty file';
export const REASON_HEIC_DECODER = 'the HEIC decoder could not be loaded — reload the page, or export the photo as JPEG';
export const REASON_RAW = 'RAW files are not decoded by browsers';
export const REASON_TRUNCATED = 'damaged (truncated)';
export const REASON_NOT_IMAGE = 'not an image (the content is not JPEG, PNG, HEIC, GIF, WebP, AVIF or BMP)';

export const tooLarge = (width: number, height: number): string => `too large to decode (${width} x ${height} pixels)`;

export const damaged = (detail: string): string => `damaged (${detail})`;

/** An image format browsers do not decode, named by its MIME type, extension or signature. */
export const formatNotDecoded = (label: string): string => `image format not decoded by browsers (${label}) — export it as JPEG or PNG`;

/** The bytes looked right and the decoder refused them anyway. */
export const notDecodable = (format: ImageFormat | null): string =>
  `could not be decoded (a damaged ${format ? FORMAT_NAMES[format] : 'image'}, or one this browser does not support)`;
