import { describe, expect, it } from 'vitest';
import { fmtDate, fmtDateTime } from './format';

describe('date formats', () => {
  it('prints year-month-day and 24-hour minutes, and a dash for nothing', () => {
    const d = new Date(2026, 11, 1, 21, 5, 30);
    expect(fmtDateTime(d)).toBe('2026-12-01 21:05');
    expect(fmtDate(d)).toBe('2026-12-01');
    expect(fmtDateTime(null)).toBe('—');
    expect(fmtDate(undefined)).toBe('—');
  });
});
