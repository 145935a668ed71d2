import { describe, expect, it } from 'vitest';
import { periodKey } from '../../src/reports/period-key.js';

describe('periodKey (UTC)', () => {
  it('keys days and months', () => {
    expect(periodKey(Date.UTC(2026, 10, 2, 23, 59), 'day')).toBe('2026-11-02');
    expect(periodKey(Date.UTC(2026, 10, 2), 'month')).toBe('2026-11');
  });

  it('keys ISO weeks, Monday first, by ISO week-year', () => {
    expect(periodKey(Date.UTC(2026, 10, 2), 'week')).toBe('2026-W45'); // a Monday
    expect(periodKey(Date.UTC(2026, 10, 8, 23), 'week')).toBe('2026-W45'); // the Sunday after
    expect(periodKey(Date.UTC(2026, 10, 9), 'week')).toBe('2026-W46');
    expect(periodKey(Date.UTC(2027, 0, 1), 'week')).toBe('2026-W53'); // a Friday: week of 2026
    expect(periodKey(Date.UTC(2024, 11, 30), 'week')).toBe('2025-W01'); // a Monday: week of 2025
  });
});
