// The part of `ftfy.fix_text` (ftfy 6, default config) that applies to well-formed text.
// Not ported: `fix_encoding`, ftfy's mojibake detector and repairer (heuristic, large tables);
// its C1-control case is still covered by `fix_c1_controls` below.
import { ftfyUnescapeHtml } from './html-unescape';
import { c1ToWindows1252 } from './windows-1252';

/** ftfy splits text into lines, and lines longer than this into pieces. */
const MAX_DECODE_LENGTH = 1_000_000;
/**
 * ftfy repeats its fixes until nothing changes; only nested escapes ("&amp;amp;...") need
 * more than two rounds. The cap keeps adversarial input linear.
 */
const MAX_ROUNDS = 32;

/** `ftfy.fix_text(text)` minus mojibake repair. */
export function fixText(text: string): string {
  const out: string[] = [];
  let unescape = true; // unescape_html="auto": off for good once a segment holds '<'
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos) + 1;
    if (end === 0) end = text.length;
    if (end - pos > MAX_DECODE_LENGTH) {
      end = pos + MAX_DECODE_LENGTH;
      if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end--; // keep surrogate pairs whole
    }
    const segment = text.slice(pos, end);
    if (unescape && segment.includes('<')) unescape = false;
    out.push(fixSegment(segment, unescape));
    pos = end;
  }
  return out.join('');
}

/** Printable ASCII, tab and newline, without '&': every fix below leaves it unchanged. */
const UNTOUCHED = /^[\t\n\x20-\x25\x27-\x7e]*$/;

function fixSegment(text: string, unescape: boolean): string {
  if (UNTOUCHED.test(text)) return text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = text;
    if (unescape) text = ftfyUnescapeHtml(text);
    text = fixC1Controls(text);
    text = fixLatinLigatures(text);
    text = fixCharacterWidth(text);
    text = uncurlQuotes(text);
    text = fixLineBreaks(text);
    text = fixSurrogates(text);
    text = removeTerminalEscapes(text);
    text = removeControlChars(text);
    text = text.normalize('NFC');
    if (text === before) break;
  }
  return text;
}

export function fixC1Controls(text: string): string {
  return text.replace(/[\x80-\x9f]/g, (c) => c1ToWindows1252(c.charCodeAt(0)));
}

const LIGATURES: Record<string, string> = {
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\u0149': '\u02bcn',
  '\u01c4': 'D\u017d',
  '\u01c5': 'D\u017e',
  '\u01c6': 'd\u017e',
  '\u01c7': 'LJ',
  '\u01c8': 'Lj',
  '\u01c9': 'lj',
  '\u01ca': 'NJ',
  '\u01cb': 'Nj',
  '\u01cc': 'nj',
  '\u01f1': 'DZ',
  '\u01f2': 'Dz',
  '\u01f3': 'dz',
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': '\u017ft',
  '\ufb06': 'st',
};
const LIGATURE_RE = /[\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06]/g;

export function fixLatinLigatures(text: string): string {
  return text.replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c);
}

// ftfy's WIDTH_MAP: U+3000 -> space, and NFKC of every halfwidth/fullwidth form U+FF01..U+FFEF.
const WIDTH_MAP: Map<string, string> = (() => {
  const map = new Map<string, string>([['\u3000', ' ']]);
  for (let cp = 0xff01; cp < 0xfff0; cp++) {
    const c = String.fromCharCode(cp);
    const alt = c.normalize('NFKC');
    if (alt !== c) map.set(c, alt);
  }
  return map;
})();

export function fixCharacterWidth(text: string): string {
  return text.replace(/[\u3000\uff01-\uffef]/g, (c) => WIDTH_MAP.get(c) ?? c);
}

export function uncurlQuotes(text: string): string {
  return text.replace(/[\u201c-\u201f]/g, '"').replace(/[\u02bc\u2018-\u201b]/g, "'");
}

export function fixLineBreaks(text: string): string {
  return text.replace(/\r\n|[\r\u2028\u2029\x85]/g, '\n');
}

/** Lone surrogates (invalid UTF-16) become U+FFFD. */
export function fixSurrogates(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function removeTerminalEscapes(text: string): string {
  // oxlint-disable-next-line no-control-regex -- matches ANSI escape sequences (ESC [ ...), as ftfy does
  return text.includes('\x1b') ? text.replace(/\x1b\[[\p{Nd};]*[a-zA-Z]/gu, '') : text;
}

export function removeControlChars(text: string): string {
  // oxlint-disable-next-line no-control-regex -- removes C0 control characters, as ftfy's remove_control_chars does
  return text.replace(/[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g, '');
}
