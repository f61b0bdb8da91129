// Visit plans (走访) as the web app reads and writes them, and the colours and dates every visits screen shares.
import { useQuery } from '@tanstack/react-query';
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

export * from './calendar';
