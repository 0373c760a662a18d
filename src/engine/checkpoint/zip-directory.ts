// A zip archive's central directory (ZIP64 included), read and checked against the file, and where
// each entry's data starts.
import type { ByteSource } from '../io/source';
import { CheckpointError } from './tensor';

/**
 * A minimal reader for the central directory of a zip archive (ZIP64 included). It reads only
 * the end records, the central directory and, on demand, one local header per entry, and checks
 * every offset and size against the file.
 */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate, ... */
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_LENGTH = 22;
const ZIP64_LOCATOR_LENGTH = 20;
const ZIP64_EOCD_LENGTH = 56;
const CENTRAL_LENGTH = 46;
const LOCAL_LENGTH = 30;
/** A state_dict's directory is a few hundred entries; this is far above any real checkpoint. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

export class ZipDirectory {
  private constructor(
    readonly source: ByteSource,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    /** Where the central directory starts: every entry's data must end before it. */
    private readonly directoryOffset: number,
  ) {}

  static async read(source: ByteSource): Promise<ZipDirectory> {
    const fail = (why: string) => new CheckpointError(`${source.name}: ${why}`);
    if (source.size < EOCD_LENGTH) throw fail('not a complete zip archive (too short; is the file truncated?)');
    const tailLength = Math.min(source.size, EOCD_LENGTH + 0xffff);
    const tailStart = source.size - tailLength;
    const tail = await source.read(tailStart, tailLength);
    const eocdAt = findEndRecord(tail);
    if (eocdAt < 0) {
      throw fail('not a complete zip archive (end of central directory record not found; is the file truncated?)');
    }
    const eocd = view(tail, eocdAt, EOCD_LENGTH);
    let count = eocd.getUint16(10, true);
    let dirSize = eocd.getUint32(12, true);
    let dirOffset = eocd.getUint32(16, true);
    const diskFields = [eocd.getUint16(4, true), eocd.getUint16(6, true)];
    let endOfDirectory = tailStart + eocdAt;

    const locatorAt = endOfDirectory - ZIP64_LOCATOR_LENGTH;
    const locator = locatorAt >= 0 ? await source.read(locatorAt, ZIP64_LOCATOR_LENGTH) : undefined;
    if (locator && view(locator, 0, 4).getUint32(0, true) === ZIP64_LOCATOR_SIG) {
      const recordAt = readU64(view(locator, 0, ZIP64_LOCATOR_LENGTH), 8, () => fail('ZIP64 locator offset is too large'));
      if (recordAt + ZIP64_EOCD_LENGTH > locatorAt) throw fail('ZIP64 end of central directory record lies outside the file');
      const rec = view(await source.read(recordAt, ZIP64_EOCD_LENGTH), 0, ZIP64_EOCD_LENGTH);
      if (rec.getUint32(0, true) !== ZIP64_EOCD_SIG) throw fail('ZIP64 end of central directory record not found where its locator points');
      const big = () => fail('ZIP64 end of central directory record holds an impossible size');
      diskFields.push(rec.getUint32(16, true), rec.getUint32(20, true));
      count = readU64(rec, 32, big);
      dirSize = readU64(rec, 40, big);
      dirOffset = readU64(rec, 48, big);
      endOfDirectory = recordAt;
    } else if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      throw fail('ZIP64 archive without its ZIP64 end records (is the file truncated?)');
    }
    if (diskFields.some((d) => d !== 0 && d !== 0xffff)) throw fail('multi-part (split) zip archives are not supported');
    if (dirOffset + dirSize > endOfDirectory) {
      throw fail(`central directory (${dirSize} bytes at offset ${dirOffset}) passes the end of the file or overlaps its end records (is the file truncated?)`);
    }
    if (dirSize > MAX_DIRECTORY_BYTES) throw fail(`central directory is implausibly large (${dirSize} bytes)`);
    if (count * CENTRAL_LENGTH > dirSize) {
      throw fail(`zip claims ${count} entries, more than its ${dirSize}-byte central directory can hold`);
    }
    const dir = await source.read(dirOffset, dirSize);
    const entries = parseCentralDirectory(dir, count, dirOffset, fail);
    return new ZipDirectory(source, entries, dirOffset);
  }

  /**
   * Where the entry's data starts, read from its local header (whose own name and extra field
   * lengths may differ from the central directory's; torch pads the local extra for alignment).
   */
  async dataRange(entry: ZipEntry): Promise<{ start: number; length: number }> {
    const fail = (why: string) => new CheckpointError(`${this.source.name}: zip entry ${entry.name}: ${why}`);
    if (entry.localHeaderOffset + LOCAL_LENGTH > this.directoryOffset) throw fail('local header lies outside the file data');
    const header = view(await this.source.read(entry.localHeaderOffset, LOCAL_LENGTH), 0, LOCAL_LENGTH);
    if (header.getUint32(0, true) !== LOCAL_SIG) throw fail(`no local header at offset ${entry.localHeaderOffset}`);
    const start = entry.localHeaderOffset + LOCAL_LENGTH + header.getUint16(26, true) + header.getUint16(28, true);
    if (start + entry.compressedSize > this.directoryOffset) {
      throw fail(`its ${entry.compressedSize} bytes at offset ${start} pass the end of the file data (is the file truncated?)`);
    }
    return { start, length: entry.compressedSize };
  }
}

function view(bytes: Uint8Array, offset: number, length: number): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, length);
}

function readU64(v: DataView, offset: number, tooBig: () => Error): number {
  const value = v.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw tooBig();
  return Number(value);
}

/** The last end-of-central-directory signature whose comment ends within the file. */
function findEndRecord(tail: Uint8Array): number {
  const v = view(tail, 0, tail.byteLength);
  for (let i = tail.byteLength - EOCD_LENGTH; i >= 0; i--) {
    if (v.getUint32(i, true) === EOCD_SIG && i + EOCD_LENGTH + v.getUint16(i + 20, true) <= tail.byteLength) return i;
  }
  return -1;
}

function parseCentralDirectory(dir: Uint8Array, count: number, dirOffset: number, fail: (why: string) => CheckpointError): Map<string, ZipEntry> {
  const v = view(dir, 0, dir.byteLength);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_LENGTH > dir.byteLength || v.getUint32(p, true) !== CENTRAL_SIG) {
      throw fail(`central directory entry ${i} is damaged`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true);
    let uncompressedSize = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let localHeaderOffset = v.getUint32(p + 42, true);
    const end = p + CENTRAL_LENGTH + nameLength + extraLength + commentLength;
    if (end > dir.byteLength) throw fail(`central directory entry ${i} passes the end of the directory`);
    const name = decoder.decode(dir.subarray(p + CENTRAL_LENGTH, p + CENTRAL_LENGTH + nameLength));
    const entryFail = (why: string) => fail(`zip entry ${name}: ${why}`);
    if (flags & 1) throw entryFail('is encrypted');

    // ZIP64 extended information: only the fields saturated in the fixed part are present, in this order.
    const needs = [uncompressedSize === 0xffffffff, compressedSize === 0xffffffff, localHeaderOffset === 0xffffffff];
    if (needs.some(Boolean)) {
      const extra = findExtra(dir.subarray(p + CENTRAL_LENGTH + nameLength, p + CENTRAL_LENGTH + nameLength + extraLength), 0x0001);
      if (!extra) throw entryFail('ZIP64 sizes are missing');
      const ev = view(extra, 0, extra.byteLength);
      let q = 0;
      const next = () => {
        if (q + 8 > extra.byteLength) throw entryFail('ZIP64 extra field is too short');
        const value = readU64(ev, q, () => entryFail('claims an impossible size'));
        q += 8;
        return value;
      };
      if (needs[0]) uncompressedSize = next();
      if (needs[1]) compressedSize = next();
      if (needs[2]) localHeaderOffset = next();
    }
    if (localHeaderOffset + compressedSize > dirOffset) {
      throw entryFail(`claims ${compressedSize} bytes at offset ${localHeaderOffset}, past the end of the file data`);
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw entryFail(`is stored but claims ${uncompressedSize} bytes from ${compressedSize} (zip bomb?)`);
    }
    if (entries.has(name)) throw entryFail('appears twice in the archive');
    entries.set(name, { name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p = end;
  }
  return entries;
}

function findExtra(extra: Uint8Array, id: number): Uint8Array | undefined {
  const v = view(extra, 0, extra.byteLength);
  for (let p = 0; p + 4 <= extra.byteLength;) {
    const size = v.getUint16(p + 2, true);
    if (v.getUint16(p, true) === id) return extra.subarray(p + 4, Math.min(extra.byteLength, p + 4 + size));
    p += 4 + size;
  }
  return undefined;
}
