// Service-desk data: tickets, queues, transfers, complaints, SLA policies, notifications (typed client + react-query).
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ApiBody, type ApiData, api, call, postForm } from '../../app/api/client';

export type Ticket = ApiData<'/api/tickets/{id}/summary', 'get'>;
export type TicketDetail = ApiData<'/api/tickets/{id}', 'get'>;
export type TicketCreate = ApiBody<'/api/tickets', 'post'>;
export type TicketPatch = ApiBody<'/api/tickets/{id}', 'patch'>;
export type ComplaintPatch = ApiBody<'/api/tickets/{id}/complaint', 'patch'>;
export type TransferBody = ApiBody<'/api/tickets/{id}/transfer', 'post'>;
export type Person = TicketDetail['people'][number];

/** A person as the ticket page shows them: 姓名 · 小组 (or department), from the names the server sent with the page. */
export function personLabel(detail: TicketDetail, id: number | null | undefined): string | null {
  if (id == null) return null;
  const p = detail.people.find((x) => x.id === id);
  if (!p) return null;
  const team = p.teamName ?? p.departmentName;
  return team ? `${p.name} · ${team}` : p.name;
}
export type Policy = ApiData<'/api/sla-policies', 'get'>[number];
export type PolicyInput = ApiBody<'/api/sla-policies', 'post'>;
export type TreeNode = ApiData<'/api/ticket-categories', 'get'>[number];
export type Notification = ApiData<'/api/notifications', 'get'>['items'][number];
export type Query = NonNullable<NonNullable<Parameters<typeof listTickets>[0]>>;

export const TICKET_TYPES = ['consultation', 'service_request', 'complaint', 'suggestion', 'fault'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const STATUSES = [
  'new',
  'open',
  'waiting_customer',
  'waiting_internal',
  'resolved',
  'closed',
  'reopened',
] as const;
export const CHANNELS = [
  'phone_in',
  'phone_out',
  'sms',
  'email',
  'visit',
  'counter',
  'portal',
  'wechat',
  'meeting',
] as const;
export const VIEWS = ['all', 'mine', 'team', 'unassigned', 'breaching_soon', 'breached'] as const;
export const SEVERITIES = ['minor', 'normal', 'major', 'critical'] as const;
export const SOURCES = ['own_channel', 'regulator_hotline', 'industry_association', 'media'] as const;

export type TicketQuery = {
  view?: (typeof VIEWS)[number];
  type?: (typeof TICKET_TYPES)[number];
  status?: (typeof STATUSES)[number];
  priority?: (typeof PRIORITIES)[number];
  customerId?: number;
  assigneeId?: number;
  q?: string;
};
function listTickets(query: TicketQuery & { cursor?: string; limit?: number }) {
  return call(api.GET('/api/tickets', { params: { query } }));
}

export const ticketsKey = ['tickets'] as const;

export function useTickets(query: TicketQuery) {
  return useInfiniteQuery({
    queryKey: [...ticketsKey, 'list', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => listTickets({ ...query, cursor: pageParam, limit: 50 }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
export const useQueues = () =>
  useQuery({
    queryKey: [...ticketsKey, 'queues'],
    queryFn: () => call(api.GET('/api/tickets/queues')),
    refetchInterval: 60_000,
  });
export const useSavedViews = () =>
  useQuery({ queryKey: [...ticketsKey, 'views'], queryFn: () => call(api.GET('/api/tickets/views')) });
export const saveView = (name: string, query: Record<string, unknown>) =>
  call(api.POST('/api/tickets/views', { body: { name, query } }));
export const deleteView = (id: number) =>
  call(api.DELETE('/api/tickets/views/{id}', { params: { path: { id } } }));
export const bulkAssign = (body: ApiBody<'/api/tickets/bulk-assign', 'post'>) =>
  call(api.POST('/api/tickets/bulk-assign', { body }));

export const useTicket = (id: number) =>
  useQuery({
    queryKey: [...ticketsKey, 'detail', id],
    queryFn: () => call(api.GET('/api/tickets/{id}', { params: { path: { id } } })),
  });
export const createTicket = (body: TicketCreate) => call(api.POST('/api/tickets', { body }));
export const updateTicket = (id: number, body: TicketPatch) =>
  call(api.PATCH('/api/tickets/{id}', { params: { path: { id } }, body }));
export const transferTicket = (id: number, body: TransferBody) =>
  call(api.POST('/api/tickets/{id}/transfer', { params: { path: { id } }, body }));
export const handBack = (id: number, body: ApiBody<'/api/tickets/{id}/hand-back', 'post'>) =>
  call(api.POST('/api/tickets/{id}/hand-back', { params: { path: { id } }, body }));
export const addMessage = (id: number, body: ApiBody<'/api/tickets/{id}/messages', 'post'>) =>
  call(api.POST('/api/tickets/{id}/messages', { params: { path: { id } }, body }));
export const linkArticle = (id: number, articleId: number) =>
  call(api.POST('/api/tickets/{id}/articles', { params: { path: { id } }, body: { articleId } }));
export const unlinkArticle = (id: number, articleId: number) =>
  call(api.DELETE('/api/tickets/{id}/articles/{articleId}', { params: { path: { id, articleId } } }));
export const renderMacro = (id: number, macroId: number) =>
  call(api.POST('/api/tickets/{id}/macros/{macroId}/render', { params: { path: { id, macroId } } }));
export const updateComplaint = (id: number, body: ComplaintPatch) =>
  call(api.PATCH('/api/tickets/{id}/complaint', { params: { path: { id } }, body }));
export const addAction = (id: number, body: ApiBody<'/api/tickets/{id}/corrective-actions', 'post'>) =>
  call(api.POST('/api/tickets/{id}/corrective-actions', { params: { path: { id } }, body }));
export const updateAction = (
  id: number,
  actionId: number,
  body: ApiBody<'/api/tickets/{id}/corrective-actions/{actionId}', 'patch'>,
) =>
  call(
    api.PATCH('/api/tickets/{id}/corrective-actions/{actionId}', {
      params: { path: { id, actionId } },
      body,
    }),
  );
export async function uploadAttachment(id: number, file: File) {
  const fd = new FormData();
  fd.append('file', file);
  await postForm('/api/tickets/{id}/attachments', fd, { id });
}

export const useMacros = (ticketType?: string) =>
  useQuery({
    queryKey: ['kb', 'macros', ticketType],
    queryFn: () => call(api.GET('/api/kb/macros', { params: { query: { ticketType } } })),
  });

export const useTicketCategories = () =>
  useQuery({
    queryKey: ['lookup', 'ticket-categories'],
    queryFn: () => call(api.GET('/api/ticket-categories')),
    staleTime: 60_000,
  });
export const useRootCauseCategories = () =>
  useQuery({
    queryKey: ['lookup', 'root-cause-categories'],
    queryFn: () => call(api.GET('/api/root-cause-categories')),
    staleTime: 60_000,
  });
export const useUserOptions = (q?: string) =>
  useQuery({
    queryKey: ['lookup', 'user-options', q ?? ''],
    queryFn: () => call(api.GET('/api/users/options', { params: { query: { q, limit: 200 } } })),
    staleTime: 60_000,
  });
export const usePolicies = () =>
  useQuery({ queryKey: ['sla-policies'], queryFn: () => call(api.GET('/api/sla-policies')) });
export const useCalendars = () =>
  useQuery({ queryKey: ['calendars'], queryFn: () => call(api.GET('/api/calendars')) });

/** Tree rows → antd TreeSelect/Tree data. */
export function toTree<T extends { id: number; parentId: number | null; name: string }>(
  rows: T[] | undefined,
): { value: number; key: number; title: string; row: T; children: ReturnType<typeof toTree<T>> }[] {
  const kids = new Map<number | null, T[]>();
  for (const r of rows ?? []) kids.set(r.parentId, [...(kids.get(r.parentId) ?? []), r]);
  const build = (parent: number | null): ReturnType<typeof toTree<T>> =>
    (kids.get(parent) ?? []).map((r) => ({
      value: r.id,
      key: r.id,
      title: r.name,
      row: r,
      children: build(r.id),
    }));
  return build(null);
}
