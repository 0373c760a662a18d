// The one photo pipeline, from bytes to unit embeddings: check -> decode (injected: the browser's
// decoders in the worker, sharp in Node; large JPEGs shrink while decoding) -> preprocess ->
// batch tensor -> encode -> normalise once. The first three steps are "preparing" a photo, which
// a pool of threads can do ahead (PhotoPreparer). The worker's indexer, the CLI and the
// benchmarks all embed through it.
import { preprocessClip } from '../preprocess/clip-preprocess';
import { checkPhotoBytes } from '../preprocess/photo-check';
import type { RgbaImage } from '../preprocess/rgba-image';
import { normalized } from '../rank';

/** Photos per encoder run, everywhere: the same batches give the same int8 embeddings (activations are quantised per batch). */
export const IMAGE_BATCH = 4;

export interface DecodedPhoto<T> {
  /**
   * Upright (EXIF orientation applied once), unpremultiplied 8-bit RGBA, as PIL sees the file;
   * smaller than the photo where the decoder shrank it (DecodeRequest.resolution).
   */
  image: RgbaImage;
  /** The photo's upright size. */
  width: number;
  height: number;
  /** The library's thumbnail (preprocess/thumbnail.ts), or null when not asked for. */
  thumbnail: T | null;
}

export interface DecodeRequest {
  withThumbnail: boolean;
  /**
   * The model input the pixels are for: a large JPEG may be decoded at 1/2, 1/4 or 1/8 scale,
   * its shorter side kept at least twice this (preprocess/jpeg-scale.ts). 0: full size.
   */
  resolution: number;
}

/** Turns the bytes of a photo that passed checkPhotoBytes into pixels; throws an Error whose message is the reason shown. */
export interface PhotoDecoder<T> {
  decode(bytes: Uint8Array, type: string, request: DecodeRequest): Promise<DecodedPhoto<T>>;
}

/** A photo ready for the encoder: its preprocessed [3, R, R] pixels and what is stored with it. */
export interface PreparedPhoto<T> {
  width: number;
  height: number;
  pixels: Float32Array;
  thumbnail: T | null;
}

/** How a photo is prepared (checked, decoded, preprocessed); the same everywhere it is done. */
export interface PrepareOptions {
  thumbnail: boolean;
  checkBytes: boolean;
  /** Let large JPEGs shrink while decoding (DecodeRequest.resolution). */
  reduce: boolean;
}

/** Prepares photos, possibly in other threads (a decode pool); the embedder's own is preparePhoto. */
export interface PhotoPreparer<T> {
  prepare(bytes: Uint8Array, type: string, options: PrepareOptions): Promise<PreparedPhoto<T>>;
}

/** Prepares photos in this thread with `decoder` (preparePhoto). */
export const localPreparer = <T>(decoder: PhotoDecoder<T>, model: ImageModel): PhotoPreparer<T> => ({
  prepare: (bytes, type, options) => preparePhoto(decoder, model, bytes, type, options),
});

/** Checks, decodes and preprocesses one photo in this thread; throws with the reason a photo cannot be indexed. */
export async function preparePhoto<T>(
  decoder: PhotoDecoder<T>,
  model: ImageModel,
  bytes: Uint8Array,
  type: string,
  options: PrepareOptions,
): Promise<PreparedPhoto<T>> {
  if (options.checkBytes) checkPhotoBytes(bytes);
  const decoded = await decoder.decode(bytes, type, { withThumbnail: options.thumbnail, resolution: options.reduce ? model.resolution : 0 });
  const pixels = preprocessClip(decoded.image, model.resolution, model.mean, model.std);
  return { width: decoded.width, height: decoded.height, pixels, thumbnail: decoded.thumbnail };
}

/** What the image encoder needs of its input (a bundle manifest has it). */
export interface ImageModel {
  resolution: number;
  mean: readonly number[];
  std: readonly number[];
}

/** Runs the image encoder on `count` preprocessed images of [3, R, R]; one raw embedding each. */
export type EncodeImages = (pixels: Float32Array, count: number) => Promise<Float32Array[]>;

export interface EmbedderOptions<T> {
  batchSize?: number;
  /** Ask the decoder for thumbnails (default true). */
  thumbnails?: boolean;
  /**
   * Run checkPhotoBytes before decoding (default true). `npm run embed` turns it off: it embeds
   * whatever sharp decodes (TIFF too), as the official pipeline embeds whatever PIL opens.
   */
  checkBytes?: boolean;
  /**
   * Let large JPEGs shrink while decoding (default true): within the goldens' pixel bound of a
   * full decode, and several times faster. `npm run embed` turns it off to match the official
   * pipeline exactly.
   */
  reduce?: boolean;
  /** Prepares photos elsewhere (a decode pool); default: in this thread with the decoder. */
  preparer?: PhotoPreparer<T>;
}

/** A photo in the batch: its pixels sit in the batch tensor, the decoded image is gone. */
interface Slot<T, P> {
  payload: P;
  width: number;
  height: number;
  thumbnail: T | null;
}

export interface EmbeddedImage<T, P> extends Slot<T, P> {
  /** The encoder's output as it is (the official code's `encode_image`). */
  embedding: Float32Array;
  /** The same, unit length: what the library stores and ranks with. */
  vector: Float32Array;
}

/**
 * Collects up to `batchSize` photos, each decoded and preprocessed into its slot of one batch
 * tensor as it is added, and embeds them in one encoder run. `P` is what the caller keeps with
 * each photo (a file record, a queue entry); `T` is the decoder's thumbnail.
 */
export class ImageEmbedder<T, P> {
  readonly batchSize: number;
  private readonly plane: number;
  private readonly pixels: Float32Array;
  private slots: Slot<T, P>[] = [];
  private readonly options: PrepareOptions;
  private readonly preparer: PhotoPreparer<T>;

  constructor(
    private readonly model: ImageModel,
    private readonly encode: EncodeImages,
    decoder: PhotoDecoder<T>,
    options: EmbedderOptions<T> = {},
  ) {
    this.batchSize = options.batchSize ?? IMAGE_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`bad batch size ${this.batchSize}`);
    this.options = { thumbnail: options.thumbnails ?? true, checkBytes: options.checkBytes ?? true, reduce: options.reduce ?? true };
    this.preparer = options.preparer ?? localPreparer(decoder, model);
    this.plane = 3 * model.resolution * model.resolution;
    this.pixels = new Float32Array(this.batchSize * this.plane);
  }

  /** Photos waiting for the encoder. */
  get size(): number {
    return this.slots.length;
  }

  get full(): boolean {
    return this.slots.length >= this.batchSize;
  }

  /**
   * Checks, decodes and preprocesses a photo into the next slot. A photo that cannot be indexed
   * throws with the reason, and nothing is added. Returns the slot's pixels: a view into the
   * batch tensor, valid until the batch is embedded.
   */
  async addPhoto(bytes: Uint8Array, type: string, payload: P): Promise<Float32Array> {
    this.needRoom();
    return this.addPrepared(await this.prepare(bytes, type), payload);
  }

  /**
   * The work of `addPhoto` before the slot, done by the preparer: photos can be prepared ahead,
   * several at a time, and added in order with `addPrepared`.
   */
  prepare(bytes: Uint8Array, type: string): Promise<PreparedPhoto<T>> {
    return this.preparer.prepare(bytes, type, this.options);
  }

  /** Puts a prepared photo into the next slot. */
  addPrepared(photo: PreparedPhoto<T>, payload: P): Float32Array {
    this.needRoom();
    if (photo.pixels.length !== this.plane) throw new RangeError(`prepared pixels hold ${photo.pixels.length} values, the model takes ${this.plane}`);
    const offset = this.slots.length * this.plane;
    this.pixels.set(photo.pixels, offset);
    this.slots.push({ payload, width: photo.width, height: photo.height, thumbnail: photo.thumbnail });
    return this.pixels.subarray(offset, offset + this.plane);
  }

  /** Preprocesses an already decoded image (a video frame) into the next slot. */
  addImage(image: RgbaImage, thumbnail: T | null, payload: P): Float32Array {
    this.needRoom();
    const offset = this.slots.length * this.plane;
    preprocessClip(image, this.model.resolution, this.model.mean, this.model.std, this.pixels, offset);
    this.slots.push({ payload, width: image.width, height: image.height, thumbnail });
    return this.pixels.subarray(offset, offset + this.plane);
  }

  /** Encodes the photos added since the last call (none: nothing runs) and empties the batch. */
  async embed(): Promise<EmbeddedImage<T, P>[]> {
    const slots = this.slots;
    if (!slots.length) return [];
    const embeddings = await this.encode(this.pixels.subarray(0, slots.length * this.plane), slots.length);
    if (embeddings.length !== slots.length) throw new Error(`the encoder gave ${embeddings.length} embeddings for ${slots.length} images`);
    this.slots = [];
    return slots.map((slot, i) => ({ ...slot, embedding: embeddings[i]!, vector: normalized(embeddings[i]!) }));
  }

  private needRoom(): void {
    if (this.full) throw new RangeError(`the batch holds ${this.batchSize} photos: embed them first`);
  }
}
