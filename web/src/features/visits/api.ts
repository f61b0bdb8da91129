// Visit plans (走访) as the web app reads and writes them, and the colours and dates every visits screen shares.
import { useQuery } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { type ApiData, api, call } from '../../app/api/client';
import { queryClient } from '../../app/session';

export type Visit = ApiData<'/api/visits', 'get'>[number];
export type VisitStatus = Visit['status'];
export type VisitQuery = {
  view?: 'week' | 'month' | 'overdue' | 'all';
  managerId?: number;
  customerId?: number;
  status?: VisitStatus;
  from?: string;
  to?: string;
};
export type VisitStats = ApiData<'/api/visits/stats', 'get'>;

export const STATUSES: VisitStatus[] = ['planned', 'checked_in', 'done', 'cancelled'];
/** The most a list shows (the server's page limit); a full list says so. */
export const LIST_LIMIT = 200;

export const visitsKey = ['visits'] as const;

export const useVisits = (q: VisitQuery, enabled = true) =>
  useQuery({
    queryKey: [...visitsKey, 'list', q],
    queryFn: () => call(api.GET('/api/visits', { params: { query: { ...q, limit: LIST_LIMIT } } })),
    enabled,
  });

export const useVisitStats = (from: string, to: string) =>
  useQuery({
    queryKey: [...visitsKey, 'stats', from, to],
    queryFn: () => call(api.GET('/api/visits/stats', { params: { query: { from, to } } })),
  });

export const refreshVisits = () => queryClient.invalidateQueries({ queryKey: visitsKey });

/** Tag colour of a status; a visit whose day has passed without check-in or completion is red (逾期). */
export function statusColor(v: Pick<Visit, 'status' | 'overdue'>) {
  if (v.overdue) return 'red';
  return { planned: 'blue', checked_in: 'gold', done: 'green', cancelled: 'default' }[v.status];
}
/** The same as a solid colour, for the left edge of a visit card in the calendar. */
export function statusEdge(v: Pick<Visit, 'status' | 'overdue'>) {
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
export const windowText = (v: Pick<Visit, 'windowFrom' | 'windowTo'>) =>
  v.windowFrom || v.windowTo ? `${v.windowFrom ?? ''}–${v.windowTo ?? ''}` : '';
