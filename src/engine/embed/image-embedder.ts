// The one photo pipeline, from bytes to unit embeddings: check -> decode (injected: the browser's
// decoders in the worker, sharp in Node) -> preprocess straight into the batch tensor -> encode
// -> normalise once. The worker's indexer, the CLI and the benchmarks all embed through it.
import { preprocessClip } from '../preprocess/clip-preprocess';
import { checkPhotoBytes } from '../preprocess/photo-check';
import type { RgbaImage } from '../preprocess/rgba-image';
import { normalized } from '../rank';

/** Photos per encoder run, everywhere: the same batches give the same int8 embeddings (activations are quantised per batch). */
export const IMAGE_BATCH = 4;

export interface DecodedPhoto<T> {
  /** Upright (EXIF orientation applied once), unpremultiplied 8-bit RGBA, as PIL sees the file. */
  image: RgbaImage;
  /** The library's thumbnail (preprocess/thumbnail.ts), or null when not asked for. */
  thumbnail: T | null;
}

/** Turns the bytes of a photo that passed checkPhotoBytes into pixels; throws an Error whose message is the reason shown. */
export interface PhotoDecoder<T> {
  decode(bytes: Uint8Array, type: string, withThumbnail: boolean): Promise<DecodedPhoto<T>>;
}

/** What the image encoder needs of its input (a bundle manifest has it). */
export interface ImageModel {
  resolution: number;
  mean: readonly number[];
  std: readonly number[];
}

/** Runs the image encoder on `count` preprocessed images of [3, R, R]; one raw embedding each. */
export type EncodeImages = (pixels: Float32Array, count: number) => Promise<Float32Array[]>;

export interface EmbedderOptions {
  batchSize?: number;
  /** Ask the decoder for thumbnails (default true). */
  thumbnails?: boolean;
  /**
   * Run checkPhotoBytes before decoding (default true). `npm run embed` turns it off: it embeds
   * whatever sharp decodes (TIFF too), as the official pipeline embeds whatever PIL opens.
   */
  checkBytes?: boolean;
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
  private readonly thumbnails: boolean;
  private readonly checkBytes: boolean;

  constructor(
    private readonly model: ImageModel,
    private readonly encode: EncodeImages,
    private readonly decoder: PhotoDecoder<T>,
    options: EmbedderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? IMAGE_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`bad batch size ${this.batchSize}`);
    this.thumbnails = options.thumbnails ?? true;
    this.checkBytes = options.checkBytes ?? true;
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
   * Checks and decodes a photo and preprocesses it into the next slot. A photo that cannot be
   * indexed throws with the reason, and nothing is added. Returns the slot's pixels: a view
   * into the batch tensor, valid until the batch is embedded.
   */
  async addPhoto(bytes: Uint8Array, type: string, payload: P): Promise<Float32Array> {
    this.needRoom();
    const { image, thumbnail } = await this.decode(bytes, type);
    return this.addImage(image, thumbnail, payload);
  }

  /**
   * The checks and the decoder of `addPhoto`, without taking a slot: photos can be decoded ahead,
   * several at a time (the CLI), and added in order with `addImage`.
   */
  async decode(bytes: Uint8Array, type: string): Promise<DecodedPhoto<T>> {
    if (this.checkBytes) checkPhotoBytes(bytes);
    return this.decoder.decode(bytes, type, this.thumbnails);
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
