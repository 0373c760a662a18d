// Test-only: writes small zip archives of stored entries the way torch.save does (data-descriptor
// flag, zero sizes in local headers, ZIP64 end records), with knobs to lie about sizes, and
// sparse ones whose entries hold terabytes of zeros that are never materialised.
import type { SparseFile } from './synthetic-sources';

export interface ZipWriterEntry {
  name: string;
  data: Uint8Array;
  /** Compression method written to the headers (the data stays as given). */
  method?: number;
  /** Sizes written to the central directory instead of the real ones (zip bomb / damage tests). */
  claimedSize?: number;
  claimedCompressedSize?: number;
  /** Zero bytes that follow `data` in the entry without being held (only for `writeSparseZip`). */
  virtualLength?: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class Bytes {
  private chunks: number[] = [];
  private readonly parts: { offset: number; bytes: Uint8Array }[] = [];
  /** File offset of chunks[0]. */
  private start = 0;
  get length(): number {
    return this.start + this.chunks.length;
  }
  u16(v: number): this {
    this.chunks.push(v & 0xff, (v >>> 8) & 0xff);
    return this;
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(Math.floor(v / 0x10000) & 0xffff);
  }
  u64(v: number): this {
    return this.u32(v % 0x100000000).u32(Math.floor(v / 0x100000000));
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.chunks.push(x);
    return this;
  }
  /** `n` zero bytes that are never materialised. */
  gap(n: number): this {
    if (n === 0) return this;
    this.flush();
    this.start += n;
    return this;
  }
  sparse(): SparseFile {
    this.flush();
    return { size: this.start, parts: this.parts };
  }
  done(): Uint8Array {
    const { size, parts } = this.sparse();
    if (parts.length > 1 || (parts[0]?.bytes.length ?? 0) !== size) throw new Error('sparse zip: use writeSparseZip');
    return parts[0]?.bytes ?? new Uint8Array(0);
  }
  private flush(): void {
    if (this.chunks.length > 0) this.parts.push({ offset: this.start, bytes: Uint8Array.from(this.chunks) });
    this.start += this.chunks.length;
    this.chunks = [];
  }
}

/** Sizes above 32 bits (or every size when `forceZip64`) go in a ZIP64 extra field. */
export function writeZip(entries: ZipWriterEntry[], options: { forceZip64?: boolean } = {}): Uint8Array {
  return build(entries, options).done();
}

/** A zip whose entries may carry `virtualLength` zero bytes: read it through a `SparseSource`. */
export function writeSparseZip(entries: ZipWriterEntry[], options: { forceZip64?: boolean } = {}): SparseFile {
  return build(entries, options).sparse();
}

function build(entries: ZipWriterEntry[], options: { forceZip64?: boolean }): Bytes {
  const out = new Bytes();
  const central = new Bytes();
  const enc = new TextEncoder();
  for (const e of entries) {
    const name = enc.encode(e.name);
    const offset = out.length;
    const crc = crc32(e.data);
    out
      .u32(0x04034b50)
      .u16(45)
      .u16(0x0808)
      .u16(e.method ?? 0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(0)
      .u32(0);
    out
      .u16(name.length)
      .u16(0)
      .bytes(name)
      .bytes(e.data)
      .gap(e.virtualLength ?? 0);
    const length = e.data.length + (e.virtualLength ?? 0);
    out.u32(0x08074b50).u32(crc).u64(length).u64(length);

    const size = e.claimedSize ?? length;
    const csize = e.claimedCompressedSize ?? e.claimedSize ?? length;
    const zip64 = options.forceZip64 || size > 0xfffffffe || csize > 0xfffffffe;
    const extra = new Bytes();
    if (zip64) extra.u16(1).u16(24).u64(size).u64(csize).u64(offset);
    central
      .u32(0x02014b50)
      .u16(45)
      .u16(45)
      .u16(0x0808)
      .u16(e.method ?? 0)
      .u16(0)
      .u16(0)
      .u32(crc);
    central.u32(zip64 ? 0xffffffff : csize).u32(zip64 ? 0xffffffff : size);
    central
      .u16(name.length)
      .u16(extra.length)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(zip64 ? 0xffffffff : offset);
    central.bytes(name).bytes(extra.done());
  }
  const dirOffset = out.length;
  const dir = central.done();
  out.bytes(dir);
  const zip64At = out.length;
  out.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(entries.length).u64(entries.length).u64(dir.length).u64(dirOffset);
  out.u32(0x07064b50).u32(0).u64(zip64At).u32(1);
  out.u32(0x06054b50).u16(0).u16(0).u16(0xffff).u16(0xffff).u32(0xffffffff).u32(0xffffffff).u16(0);
  return out;
}
