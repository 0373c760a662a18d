// ISO-BMFF boxes (HEIF, HEIC, AVIF): the one walk over them that the size reader (image-size.ts)
// and the EXIF reader (exif-date.ts) share. Every read is bounds-checked and the walk bounded.

/** A box: its type and where its payload lies (cut at the end of what holds it). */
export interface IsoBox {
  type: string;
  start: number;
  end: number;
}

/** More boxes than any real file has at one level: the walk stops there. */
const MAX_BOXES = 4096;

/**
 * The boxes in b[from, to), in order. A box that runs past `to` is the last one, cut at `to`,
 * and `truncated` says so; a box whose size is smaller than its header ends the list.
 */
export function isoBoxes(b: Uint8Array, from: number, to: number): { boxes: IsoBox[]; truncated: boolean } {
  const boxes: IsoBox[] = [];
  const end = Math.min(to, b.length);
  let o = from;
  for (let n = 0; n < MAX_BOXES && o + 8 <= end; n++) {
    let size = u32(b, o);
    let header = 8;
    if (size === 1) {
      if (o + 16 > end) break;
      size = u32(b, o + 8) * 2 ** 32 + u32(b, o + 12);
      header = 16;
    } else if (size === 0) size = end - o;
    if (size < header) break;
    boxes.push({ type: String.fromCharCode(...b.subarray(o + 4, o + 8)), start: o + header, end: Math.min(o + size, end) });
    if (o + size > end) return { boxes, truncated: true };
    o += size;
  }
  return { boxes, truncated: false };
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
