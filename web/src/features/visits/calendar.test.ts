// The calendar's arithmetic: weeks start on Monday (as the server's week view), colours by status, red when overdue.
import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { day, statusColor, weekStart, windowText } from './calendar';

describe('visits calendar helpers', () => {
  it('starts a week on Monday whatever the day', () => {
    expect(day(weekStart(dayjs('2026-12-07')))).toBe('2026-12-07'); // Monday
    expect(day(weekStart(dayjs('2026-12-09')))).toBe('2026-12-07');
    expect(day(weekStart(dayjs('2026-12-13')))).toBe('2026-12-07'); // Sunday belongs to the week before
    expect(day(weekStart(dayjs('2027-01-01')))).toBe('2026-12-28');
  });

  it('colours by status and flags overdue red', () => {
    expect(statusColor({ status: 'planned', overdue: false })).toBe('blue');
    expect(statusColor({ status: 'done', overdue: false })).toBe('green');
    expect(statusColor({ status: 'planned', overdue: true })).toBe('red');
    expect(statusColor({ status: 'checked_in', overdue: true })).toBe('red');
  });

  it('prints the customer’s window', () => {
    expect(windowText({ windowFrom: '19:00', windowTo: '21:00' })).toBe('19:00–21:00');
    expect(windowText({ windowFrom: null, windowTo: null })).toBe('');
  });
});
