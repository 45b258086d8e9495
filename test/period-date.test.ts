import { describe, expect, it } from 'vitest';
import { parsePeriodDate, periodDateError } from '../src/reports/period-date.js';

describe('reports period dates', () => {
  it('reads a day as its first second, or its last for the end of a period', () => {
    expect(parsePeriodDate('2026-11-05', false)).toBe(Date.UTC(2026, 10, 5) / 1000);
    expect(parsePeriodDate(' 2026-11-30 ', true)).toBe(Date.UTC(2026, 10, 30) / 1000 + 86399);
  });

  it('reads an ISO 8601 date-time with its zone', () => {
    expect(parsePeriodDate('2026-11-01T12:30:00+01:00', false)).toBe(Date.UTC(2026, 10, 1, 11, 30) / 1000);
    expect(parsePeriodDate('2026-11-01T12:30Z', true)).toBe(Date.UTC(2026, 10, 1, 12, 30) / 1000);
  });

  it('refuses what is not such a date', () => {
    for (const text of ['yesterday', '2026-13-45', '2026-11-01T12:30', '20261101', '']) {
      expect(parsePeriodDate(text, false), text).toBeUndefined();
    }
    expect(periodDateError('--since', 'yesterday')).toBe(
      '--since "yesterday" is not a date. Use YYYY-MM-DD or an ISO 8601 date-time such as 2026-11-01T00:00:00Z',
    );
  });
});
