// The calendar's pure helpers (no app state): days, Monday weeks, the customer's window, colours by status.
import dayjs, { type Dayjs } from 'dayjs';

type StatusOf = { status: 'planned' | 'checked_in' | 'done' | 'cancelled'; overdue: boolean };
type WindowOf = { windowFrom: string | null; windowTo: string | null };

/** Tag colour of a status; a visit whose day has passed without check-in or completion is red (逾期). */
export function statusColor(v: StatusOf) {
  if (v.overdue) return 'red';
  return { planned: 'blue', checked_in: 'gold', done: 'green', cancelled: 'default' }[v.status];
}
/** The same as a solid colour, for the left edge of a visit card in the calendar. */
export function statusEdge(v: StatusOf) {
  if (v.overdue) return '#f5222d';
  return { planned: '#1677ff', checked_in: '#faad14', done: '#52c41a', cancelled: '#bfbfbf' }[v.status];
}

export const DAY = 'YYYY-MM-DD';
export const day = (d: Dayjs) => d.format(DAY);
/** Monday of the week of d (the server counts weeks from Monday, as Chinese calendars do). */
export const weekStart = (d: Dayjs) => d.startOf('day').subtract((d.day() + 6) % 7, 'day');
/** Today in the branch's time zone (Asia/Shanghai), as the server decides what is overdue. */
export const todayInShanghai = () => dayjs(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));

/** The time window that suits the customer, e.g. 19:00–21:00; empty when there is none. */
export const windowText = (v: WindowOf) =>
  v.windowFrom || v.windowTo ? `${v.windowFrom ?? ''}–${v.windowTo ?? ''}` : '';
