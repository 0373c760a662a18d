// What a date filter field's text means: a day, a month or a year, read as the first day of that
// period for "From" and its last day for "To". Pure: no DOM, no React.

/** Which end of the date range a field sets. */
export type DateBound = 'from' | 'to';

export type DateFieldValue =
  /** `day`: "YYYY-MM-DD", or null for an empty field (no bound). `exact`: the text named one day. */
  | { ok: true; day: string | null; exact: boolean }
  /** A sentence that says what is wrong, quoting the text. */
  | { ok: false; message: string };

export const DATE_FORMATS = 'YYYY-MM-DD, YYYY-MM or YYYY';

/** "2024-06-15", "2024/6/15", "2024.06" or "2024". */
const SEPARATED = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/;
/** "20240615" or "202406": what a phone's digits-only keypad can type. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})?$/;

const pad = (n: number) => String(n).padStart(2, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Reads a date field's text; surrounding spaces are ignored. */
export function parseDateField(text: string, bound: DateBound): DateFieldValue {
  const t = text.trim();
  if (t === '') return { ok: true, day: null, exact: false };
  const m = t.match(SEPARATED) ?? t.match(COMPACT);
  const bad = (why: string): DateFieldValue => ({ ok: false, message: `“${t}” is not a date: ${why}.` });
  if (!m) return bad(`write ${DATE_FORMATS}`);

  const year = Number(m[1]);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 1000) return bad('the year must be 1000 or later');
  const month = m[2] === undefined ? null : Number(m[2]);
  if (month !== null && (month < 1 || month > 12)) return bad(`there is no month ${month}`);
  const day = m[3] === undefined ? null : Number(m[3]);
  if (month !== null && day !== null) {
    const last = daysIn(year, month);
    if (day < 1 || day > last) return bad(`${year}-${pad(month)} has ${last} days`);
    return { ok: true, day: `${year}-${pad(month)}-${pad(day)}`, exact: true };
  }
  const from = bound === 'from';
  const mm = month ?? (from ? 1 : 12);
  const dd = from ? 1 : daysIn(year, mm);
  return { ok: true, day: `${year}-${pad(mm)}-${pad(dd)}`, exact: false };
}
