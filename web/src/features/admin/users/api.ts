import { useInfiniteQuery } from '@tanstack/react-query';
import { type ApiBody, type ApiData, api, call } from '../../../app/api/client';

export type User = ApiData<'/api/users/{id}', 'get'>;
export type UserCreate = ApiBody<'/api/users', 'post'>;
export type UserUpdate = ApiBody<'/api/users/{id}', 'patch'>;
export type UserFilters = {
  q?: string;
  branchId?: number;
  departmentId?: number;
  status?: 'active' | 'disabled';
  role?: string;
};

export const usersKey = ['admin', 'users'] as const;

export function useUsers(filters: UserFilters) {
  return useInfiniteQuery({
    queryKey: [...usersKey, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/users', { params: { query: { ...filters, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const createUser = (body: UserCreate) => call(api.POST('/api/users', { body }));
export const updateUser = (id: number, body: UserUpdate) =>
  call(api.PATCH('/api/users/{id}', { params: { path: { id } }, body }));
export const resetUserPassword = (id: number, password: string) =>
  call(api.POST('/api/users/{id}/password', { params: { path: { id } }, body: { password } }));
export const unlockUser = (id: number) =>
  call(api.POST('/api/users/{id}/unlock', { params: { path: { id } } }));
