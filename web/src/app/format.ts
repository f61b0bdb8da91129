// Dates and times as people in a Chinese office read them, whatever the browser's own locale: 2026-12-01 09:30.
// (toLocaleString would print "12/1/2026, 9:30:00 AM" in a browser set to English.)
import dayjs from 'dayjs';

/** A moment: date and minutes, e.g. 2026-12-01 09:30. */
export const fmtDateTime = (v?: string | Date | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—');
/** A day, e.g. 2026-12-01. */
export const fmtDate = (v?: string | Date | null) => (v ? dayjs(v).format('YYYY-MM-DD') : '—');
