// The official text preparation: `whitespace_clean(basic_clean(text)).lower()`.
import { fixSurrogates, fixText } from './ftfy';
import { pythonHtmlUnescape } from './html-unescape';

/**
 * `\s` of Python's `regex` module (the official code's `re`): Unicode White_Space. JavaScript's
 * `\s` differs (it has U+FEFF, lacks U+0085), so the class is spelled out.
 */
export const REGEX_WHITESPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WHITESPACE_RUN = new RegExp(`[${REGEX_WHITESPACE}]+`, 'g');
/** `str.isspace()`: White_Space plus U+001C..U+001F. */
const PY_SPACE = new RegExp(`[${REGEX_WHITESPACE}\\x1c-\\x1f]`);

export function cleanText(text: string): string {
  // ftfy replaces lone surrogates too, but doing it first keeps every later step on valid UTF-16.
  let t = fixText(fixSurrogates(text));
  t = strip(pythonHtmlUnescape(pythonHtmlUnescape(t)));
  t = strip(t.replace(WHITESPACE_RUN, ' '));
  // Python's str.lower() and toLowerCase() both apply full case mapping and final sigma.
  return t.toLowerCase();
}

/** Python's `str.strip()` (a loop: a regex for trailing space is quadratic on long runs). */
function strip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.test(text.charAt(start))) start++;
  while (end > start && PY_SPACE.test(text.charAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
