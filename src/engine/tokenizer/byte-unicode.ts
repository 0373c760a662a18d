// GPT-2 / CLIP `bytes_to_unicode`: every byte gets a printable stand-in character so that
// BPE can work on strings. The printable Latin-1 bytes map to themselves, the other 68 to
// U+0100 onwards, in byte order.

function buildByteOrder(): number[] {
  const order: number[] = [];
  const add = (from: number, to: number) => {
    for (let b = from; b <= to; b++) order.push(b);
  };
  add(0x21, 0x7e); // '!' .. '~'
  add(0xa1, 0xac); // '¡' .. '¬'
  add(0xae, 0xff); // '®' .. 'ÿ'
  const printable = new Set(order);
  for (let b = 0; b < 256; b++) if (!printable.has(b)) order.push(b);
  return order;
}

/** Bytes in the official vocabulary order: `BYTE_ORDER[i]` is the byte of vocabulary id `i`. */
export const BYTE_ORDER: readonly number[] = buildByteOrder();

/** `BYTE_TO_CHAR[b]`: the stand-in character of byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars = new Array<string>(256);
  let extra = 0;
  for (const b of BYTE_ORDER) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return chars;
})();

/** `BYTE_TO_ID[b]`: vocabulary id of byte `b` inside a word; add 256 for the word-final `</w>` form. */
export const BYTE_TO_ID: Int32Array = (() => {
  const ids = new Int32Array(256);
  BYTE_ORDER.forEach((b, i) => (ids[b] = i));
  return ids;
})();

/** Appends the UTF-8 bytes of `text` (well-formed UTF-16 expected; lone surrogates become U+FFFD). */
export function utf8Bytes(text: string, out: number[] = []): number[] {
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}
