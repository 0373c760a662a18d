// Ports of Python's `html.unescape` and of ftfy's own entity step (`ftfy.fixes.unescape_html`).
// Named entities come from the `entities` package (the WHATWG table, the same one Python's
// `html.entities.html5` holds); numeric references follow Python's replacement rules, which
// differ from the browser's for control characters and noncharacters (Python drops them).
import { decodeHTML, decodeHTMLStrict, DecodingMode } from 'entities';
import { c1ToWindows1252 } from './windows-1252';

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Python's `html.unescape`. */
export function pythonHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (whole: string, ref: string) => {
    if (ref.charCodeAt(0) === 0x23 /* # */) return numericReference(ref);
    // Python: the exact name (with or without ';'), else the longest legacy name that is a
    // prefix. The WHATWG longest-match decoding of "&name" in text content is the same.
    return decodeHTML(whole, DecodingMode.Legacy);
  });
}

function numericReference(ref: string): string {
  const hex = ref.charCodeAt(1) === 0x78 || ref.charCodeAt(1) === 0x58; // x X
  const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
  // Huge values parse to large floats or Infinity: both land in the "> 0x10FFFF" branch.
  const cp = parseInt(digits, hex ? 16 : 10);
  if (cp === 0) return '\ufffd';
  if (cp === 0x0d) return '\r';
  if (cp >= 0x80 && cp <= 0x9f) return c1ToWindows1252(cp);
  if ((cp >= 0xd800 && cp <= 0xdfff) || !(cp <= 0x10ffff)) return '\ufffd';
  if (isInvalidCodepoint(cp)) return '';
  return String.fromCodePoint(cp);
}

/** Python's `html._invalid_codepoints` (C0/C1 controls other than whitespace, noncharacters). */
function isInvalidCodepoint(cp: number): boolean {
  return (
    (cp >= 0x01 && cp <= 0x08) ||
    cp === 0x0b ||
    (cp >= 0x0e && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

const FTFY_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;

/**
 * ftfy's `unescape_html`: only references that end in ';', plus all-caps spellings of
 * lower-case entity names (`&NTILDE;` -> 'Ñ') when that spelling means nothing to
 * `html.unescape`.
 */
export function ftfyUnescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(FTFY_ENTITY, (ref: string) => {
    if (ref.charCodeAt(1) === 0x23 /* # */) {
      const decoded = pythonHtmlUnescape(ref);
      return decoded.includes(';') ? ref : decoded;
    }
    const exact = namedEntity(ref);
    if (exact !== undefined) return exact;
    const name = ref.slice(1, -1);
    if (name === name.toUpperCase()) {
      const lower = namedEntity(`&${name.toLowerCase()};`);
      if (lower !== undefined && pythonHtmlUnescape(ref) === ref) return lower.toUpperCase();
    }
    return ref;
  });
}

/** The value of `ref` ("&name;") when "name;" is an HTML5 entity name. */
function namedEntity(ref: string): string | undefined {
  const decoded = decodeHTMLStrict(ref);
  return decoded === ref ? undefined : decoded;
}
