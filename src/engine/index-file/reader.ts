// The index file reader: a .lcindex (version 1 or 2) opened as hostile input and checked whole,
// then its embeddings and thumbnails read by range.
import type { ByteSource } from '../io/source';
import { INDEX_FORMAT_VERSION, INDEX_MAGIC, IndexFileError, PREAMBLE_BYTES, READABLE_VERSIONS, rowsOf, type IndexHeader } from './types';
import { checkHeader } from './validate-header';

/** The largest header read (its JSON is parsed in memory): about a million photos and files. */
export const MAX_HEADER_BYTES = 256 * 2 ** 20;
/** Bytes of embeddings read at a time while checking them. */
const CHECK_CHUNK = 4 * 2 ** 20;

export interface IndexReader {
  readonly header: IndexHeader;
  /**
   * Each entry's first row, then the number of rows (types.ts rowsOf): photos[i]'s rows are
   * rows[i] to rows[i + 1] - 1, one for a photo, one per frame for a video. Without videos, rows[i] = i.
   */
  readonly rows: readonly number[];
  /** Rows `start` to `start + count - 1` of the embeddings (checked when the file was opened). */
  vectors(start: number, count: number): Promise<Float32Array[]>;
  /** The thumbnail bytes of photos[index] (a video's: its first frame's), or null when it has none. */
  thumbnail(index: number): Promise<Uint8Array | null>;
  /** The thumbnail bytes of frame `frame` of the video photos[index], or null when it has none. */
  frameThumbnail(index: number, frame: number): Promise<Uint8Array | null>;
}

export interface OpenOptions {
  maxHeaderBytes?: number;
}

/**
 * Opens an index file, treating it as hostile: the magic and version, a bounded header, every
 * header field, the file's size against what the header announces, and every embedding (finite
 * values, not all zero) are checked before anything is returned. Fails with an IndexFileError
 * naming the first problem; reads at most the header and 4 MiB of embeddings at a time.
 */
export async function openIndexFile(source: ByteSource, options: OpenOptions = {}): Promise<IndexReader> {
  const maxHeader = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (source.size < PREAMBLE_BYTES) throw new IndexFileError(`not an index file (${source.size} bytes, too short)`);
  const preamble = await source.read(0, PREAMBLE_BYTES);
  if (![...INDEX_MAGIC].every((c, i) => preamble[i] === c.charCodeAt(0))) throw new IndexFileError('not an index file (it does not start with LCINDEX)');
  const view = new DataView(preamble.buffer, preamble.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new IndexFileError(
      version > INDEX_FORMAT_VERSION
        ? `index format version ${version} is newer than this version reads (${INDEX_FORMAT_VERSION}): update the app or the CLI`
        : `index format version ${version} is not supported (this version reads ${READABLE_VERSIONS.join(' and ')})`,
    );
  }
  const headerBytes = view.getUint32(12, true);
  if (headerBytes > source.size - PREAMBLE_BYTES)
    throw new IndexFileError(`the header (${headerBytes} bytes) passes the end of the file (${source.size} bytes): truncated?`);
  if (headerBytes > maxHeader) throw new IndexFileError(`the header is too large (${headerBytes} bytes; at most ${maxHeader})`);
  if (headerBytes % 4 !== 0) throw new IndexFileError(`the header length ${headerBytes} is not a multiple of 4`);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(PREAMBLE_BYTES, headerBytes)));
  } catch (e) {
    throw new IndexFileError(`the header is not valid JSON (${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'})`);
  }
  const bodyStart = PREAMBLE_BYTES + headerBytes;
  const header = checkHeader(json, version, source.size - bodyStart);
  const dim = header.model.embedDim;
  const rows = rowsOf(header.photos);
  const count = rows[rows.length - 1]!;
  const thumbnailsStart = bodyStart + count * dim * 4;

  /** A row as a message names it: its photo, or its video and frame time. */
  function rowName(row: number): string {
    let lo = 0;
    let hi = header.photos.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rows[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    const video = header.photos[lo]!.video;
    return video ? `photos[${lo}] at ${video.frames[row - rows[lo]!]} ms` : `photos[${lo}]`;
  }

  async function vectors(start: number, n: number): Promise<Float32Array[]> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(n) || start < 0 || n < 0 || start + n > count) {
      throw new RangeError(`embeddings ${start}..${start + n} are outside 0..${count}`);
    }
    const bytes = await source.read(bodyStart + start * dim * 4, n * dim * 4);
    const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const v = new Float32Array(dim);
      let norm = 0;
      for (let j = 0; j < dim; j++) {
        const x = data.getFloat32((i * dim + j) * 4, true);
        v[j] = x;
        norm += x * x;
      }
      if (!Number.isFinite(norm)) throw new IndexFileError(`the embedding of ${rowName(start + i)} holds a value that is not a finite number`);
      if (norm === 0) throw new IndexFileError(`the embedding of ${rowName(start + i)} is all zeros`);
      out.push(v);
    }
    return out;
  }

  const step = Math.max(1, Math.floor(CHECK_CHUNK / (dim * 4)));
  for (let start = 0; start < count; start += step) await vectors(start, Math.min(step, count - start));

  return {
    header,
    rows,
    vectors,
    async thumbnail(index) {
      const t = header.photos[index]?.thumbnail;
      return t ? source.read(thumbnailsStart + t.offset, t.length) : null;
    },
    async frameThumbnail(index, frame) {
      const t = header.photos[index]?.frameThumbnails?.[frame];
      return t ? source.read(thumbnailsStart + t.offset, t.length) : null;
    },
  };
}
