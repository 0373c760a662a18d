import { describe, expect, it } from 'vitest';
import { parseDateField } from './date-field';
import { filterPredicate, NO_FILTERS } from './refine';

const day = (text: string, bound: 'from' | 'to' = 'from') => {
  const v = parseDateField(text, bound);
  return v.ok ? v.day : v.message;
};

describe('parseDateField', () => {
  it('reads a day, with any of the usual separators or none', () => {
    expect(parseDateField('2024-06-15', 'from')).toEqual({ ok: true, day: '2024-06-15', exact: true });
    expect(parseDateField(' 2024/6/5 ', 'to')).toEqual({ ok: true, day: '2024-06-05', exact: true });
    expect(day('2024.06.15')).toBe('2024-06-15');
    expect(day('20240615', 'to')).toBe('2024-06-15');
  });

  it('reads a month or a year as its first day for From and its last day for To', () => {
    expect(parseDateField('2024-02', 'from')).toEqual({ ok: true, day: '2024-02-01', exact: false });
    expect(day('2024-02', 'to')).toBe('2024-02-29');
    expect(day('2023-2', 'to')).toBe('2023-02-28');
    expect(day('202312', 'to')).toBe('2023-12-31');
    expect(day('1999', 'from')).toBe('1999-01-01');
    expect(day('1999', 'to')).toBe('1999-12-31');
  });

  it('reads an empty field as no bound', () => {
    expect(parseDateField('', 'from')).toEqual({ ok: true, day: null, exact: false });
    expect(parseDateField('   ', 'to')).toEqual({ ok: true, day: null, exact: false });
  });

  it('says what is wrong with anything else, quoting it', () => {
    expect(day('2024-13')).toBe('“2024-13” is not a date: there is no month 13.');
    expect(day('2024-00-10')).toBe('“2024-00-10” is not a date: there is no month 0.');
    expect(day('2023-02-29')).toBe('“2023-02-29” is not a date: 2023-02 has 28 days.');
    expect(day('2024-04-00')).toBe('“2024-04-00” is not a date: 2024-04 has 30 days.');
    expect(day('0099')).toBe('“0099” is not a date: the year must be 1000 or later.');
    for (const text of ['15/06/2024', '24-06-15', 'June 2024', '2024-06-15T10:00', '2024-', '2024-06-1x', '2024615']) {
      expect(day(text), text).toBe(`“${text}” is not a date: write YYYY-MM-DD, YYYY-MM or YYYY.`);
    }
  });

  it('gives whole periods to the filter: a year from its first to its last day', () => {
    const at = (iso: string) => ({ path: iso, name: iso, folder: '', hash: iso, size: 1, type: '', addedAt: 0, lastModified: Date.parse(iso) });
    const range = { ...NO_FILTERS, from: day('2019', 'from'), to: day('2019', 'to') };
    const keep = filterPredicate(range, () => 0);
    expect(['2018-12-31T23:59:59Z', '2019-01-01T00:00:00Z', '2019-12-31T23:59:59Z', '2020-01-01T00:00:00Z'].filter((iso) => keep(at(iso)))).toEqual([
      '2019-01-01T00:00:00Z',
      '2019-12-31T23:59:59Z',
    ]);
  });
});
