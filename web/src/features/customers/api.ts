// Customer base data access: typed calls of /api/customers*, /api/custom-fields, saved views, import jobs.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ApiBody, type ApiData, api, call, saveFile } from '../../app/api/client';

export type Customer = ApiData<'/api/customers/{id}', 'get'>;
export type CustomerSummary = ApiData<'/api/customers/search', 'post'>['items'][number];
export type CustomerCreate = ApiBody<'/api/customers', 'post'>;
export type CustomerPatch = ApiBody<'/api/customers/{id}', 'patch'>;
export type CustomerQuery = NonNullable<ApiBody<'/api/customer-views', 'post'>['query']>;
export type Filter = NonNullable<CustomerQuery['filters']>[number];
export type SavedView = ApiData<'/api/customer-views', 'get'>[number];
export type CustomField = ApiData<'/api/custom-fields', 'get'>[number];
export type Interaction = ApiData<'/api/customers/{id}/interactions', 'get'>['items'][number];
export type InteractionInput = ApiBody<'/api/customers/{id}/interactions', 'post'>;
export type HistoryEntry = ApiData<'/api/customers/{id}/history', 'get'>['items'][number];
export type Attachment = ApiData<'/api/customers/{id}/attachments', 'get'>[number];
export type ImportJob = ApiData<'/api/customers/import/jobs/{id}', 'get'>;
export type ImportPreview = ApiData<'/api/customers/import/jobs/{id}/preview', 'get'>;

export const KINDS = ['individual', 'organisation'] as const;
export const STATUSES = ['prospect', 'active', 'dormant', 'closed'] as const;
export const RISK_LEVELS = ['C1', 'C2', 'C3', 'C4', 'C5'] as const;
export const PURPOSES = ['hedger', 'speculator', 'both'] as const;
export const ID_TYPES = [
  'id_card',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent',
  'military',
  'other',
] as const;
export const GENDERS = ['male', 'female', 'unknown'] as const;
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
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export const FIELD_TYPES = ['text', 'number', 'date', 'single_choice', 'multi_choice'] as const;

export const customersKey = ['customers'] as const;

export function useCustomerSearch(query: CustomerQuery) {
  return useInfiniteQuery({
    queryKey: [...customersKey, 'search', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.POST('/api/customers/search', {
          body: { ...query, cursor: pageParam, limit: 50, withCount: pageParam === undefined },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const useCustomer = (id: number) =>
  useQuery({
    queryKey: [...customersKey, id],
    queryFn: () => call(api.GET('/api/customers/{id}', { params: { path: { id } } })),
  });

export const useCustomFields = (kind?: 'individual' | 'organisation', includeInactive = false) =>
  useQuery({
    queryKey: ['custom-fields', kind ?? 'all', includeInactive],
    queryFn: () =>
      call(
        api.GET('/api/custom-fields', {
          params: { query: { kind, includeInactive: includeInactive ? 'true' : undefined } },
        }),
      ),
    staleTime: 60_000,
  });

export const useSavedViews = () =>
  useQuery({ queryKey: ['customer-views'], queryFn: () => call(api.GET('/api/customer-views')) });

export function useInteractions(id: number) {
  return useInfiniteQuery({
    queryKey: [...customersKey, id, 'interactions'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/customers/{id}/interactions', {
          params: { path: { id }, query: { cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useHistory(id: number) {
  return useInfiniteQuery({
    queryKey: [...customersKey, id, 'history'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/customers/{id}/history', {
          params: { path: { id }, query: { cursor: pageParam, limit: 50 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const useAttachments = (id: number) =>
  useQuery({
    queryKey: [...customersKey, id, 'attachments'],
    queryFn: () => call(api.GET('/api/customers/{id}/attachments', { params: { path: { id } } })),
  });

export const attachmentUrl = (customerId: number, attachmentId: number) =>
  `/api/customers/${customerId}/attachments/${attachmentId}/content`;

export const exportCustomers = (query: CustomerQuery, format: 'csv' | 'xlsx') =>
  saveFile(
    api.POST('/api/customers/export', { body: { query, format }, parseAs: 'blob' }),
    `customers.${format}`,
  );
