// What bytes 0x80..0x9F mean in Windows-1252, with the five unassigned bytes kept as the
// C1 control of the same number ("sloppy" decoding). Python's html.unescape and ftfy's
// fix_c1_controls both use this table.
const C1_AS_WINDOWS_1252 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** The Windows-1252 reading of code point `cp` in 0x80..0x9F. */
export function c1ToWindows1252(cp: number): string {
  return C1_AS_WINDOWS_1252.charAt(cp - 0x80);
}
