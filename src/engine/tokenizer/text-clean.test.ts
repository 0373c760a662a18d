// Expected strings come from the official stack (ftfy 6.3 with fix_encoding off, Python 3.11 html).
import { describe, expect, it } from 'vitest';
import { cleanText } from './clean-text';
import { fixText } from './ftfy';
import { ftfyUnescapeHtml, pythonHtmlUnescape } from './html-unescape';

describe('fixText (ftfy.fix_text)', () => {
  it.each([
    ['ＬＯＵＤ　ＮＯＩＳＥＳ', 'LOUD NOISES'],
    ['Ｕﾀｰﾝ', 'Uターン'],
    ['ﬂuﬃeﬆ ŉ ǅ Ĳ', "fluffiest 'n Dž IJ"],
    ['\u201chere\u2019s a test\u201d \u02bc \u201e', `"here's a test" ' "`],
    ['P&EACUTE;REZ', 'PÉREZ'],
    ['&ntilde; &Ntilde; &NTILDE; &nTILDE;', 'ñ Ñ Ñ &nTILDE;'],
    ['BUNDESSTRA&SZLIG;E', 'BUNDESSTRASSE'],
    ['<em>HTML entities &lt;3</em>', '<em>HTML entities &lt;3</em>'],
    ['\x01\x1b[36;44mI&#x92;m blue\x1b[0m', "I'm blue"],
    ['price \x80 and\x85 \x81', 'price € and… \x81'],
    ['e\u0301 ｶﾞ', 'é ガ'],
    ['&amp;amp;amp;lt;', '<'],
    ['line &amp;\n<b>\n&amp;', 'line &\n<b>\n&amp;'],
    ['a\r\nb\rc\u2028d\u2029e', 'a\nb\nc\nd\ne'],
    ['\ufeffhi\u200b\u2060\u206a\ufff9\x7f\x00\x0c\x0b\x1c', 'hi\u200b\u2060\x0c'],
    ['&#65279;x', 'x'],
    ['<&#65279;x', '<&#65279;x'],
  ])('%j', (input, expected) => {
    expect(fixText(input)).toBe(expected);
  });
});

describe('pythonHtmlUnescape (html.unescape)', () => {
  it.each([
    ['&amp', '&'],
    ['&ampx', '&x'],
    ['&notit;', '¬it;'],
    ['&notin;', '∉'],
    ['&AMP;&Amp;', '&&Amp;'],
    ['&lt&gt', '<>'],
    ['&frac12x', '½x'],
    ['&#0;&#13;&#x80;&#129;', '\ufffd\r€\x81'],
    ['[&#1;&#x7f;&#65534;&#xFDD0;]', '[]'],
    ['&#xD800;&#x110000;&#99999999999999999999999;', '\ufffd\ufffd\ufffd'],
    ['&#x41&#66;&#X43', 'ABC'],
    ['&#;&#x;& &', '&#;&#x;& &'],
  ])('%j', (input, expected) => {
    expect(pythonHtmlUnescape(input)).toBe(expected);
  });
});

describe('ftfyUnescapeHtml (ftfy.fixes.unescape_html)', () => {
  it('needs the semicolon and keeps partial numeric matches', () => {
    expect(ftfyUnescapeHtml('&amp &amp; &#65a; &#x41;')).toBe('&amp & &#65a; A');
  });
});

describe('cleanText (whitespace_clean(basic_clean(text)).lower())', () => {
  it.each([
    ['  Two   children,\tplaying\nin the SNOW!!  ', 'two children, playing in the snow!!'],
    ['&#65279;x', 'x'],
    ['<&#65279;x', '<\ufeffx'],
    ['A&amp;lt;B', 'a<b'],
    ['x&amp;amp;amp;amp;y', 'x&y'],
    ['&nbsp;&nbsp;a&#x2003;b&#133;', 'a b…'],
    ['İSTANBUL ΣΊΣΥΦΟΣ', 'i̇stanbul σίσυφος'],
    ['a\x1cb', 'ab'],
    ['\x1c a \x1c', 'a'],
    ['tab\x0bvt\x0cff', 'tabvt ff'],
    ['Ǆ ǅ', 'dž dž'],
    ['&#128; &#150; &#0; &#1;x &#xD800;', '€ – \ufffd x \ufffd'],
  ])('%j', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('fixText on very long lines', () => {
  it('keeps a surrogate pair whole across its 1,000,000-unit pieces', () => {
    const text = 'a'.repeat(999_999) + '😀b';
    expect(fixText(text)).toBe(text);
  });
});
