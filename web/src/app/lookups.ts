// Small reference lists many pages need (branch, department, team, role pickers and labels), cached by react-query.
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type ApiData, api, call } from './api/client';
import { useCan } from './session';

export type Branch = ApiData<'/api/branches', 'get'>[number];
export type Department = ApiData<'/api/departments', 'get'>[number];
export type Team = ApiData<'/api/teams', 'get'>[number];
export type Role = ApiData<'/api/roles', 'get'>[number];

export const lookupKeys = {
  branches: ['lookup', 'branches'],
  departments: ['lookup', 'departments'],
  teams: ['lookup', 'teams'],
  roles: ['lookup', 'roles'],
} as const;

export const useBranches = () =>
  useQuery({
    queryKey: lookupKeys.branches,
    queryFn: () => call(api.GET('/api/branches')),
    staleTime: 60_000,
  });
export const useDepartments = () =>
  useQuery({
    queryKey: lookupKeys.departments,
    queryFn: () => call(api.GET('/api/departments')),
    staleTime: 60_000,
  });
export const useTeams = () =>
  useQuery({ queryKey: lookupKeys.teams, queryFn: () => call(api.GET('/api/teams')), staleTime: 60_000 });
/** Roles are listed for holders of admin.users or admin.roles only. */
export function useRoles() {
  const can = useCan();
  return useQuery({
    queryKey: lookupKeys.roles,
    queryFn: () => call(api.GET('/api/roles')),
    staleTime: 60_000,
    enabled: can(['admin.users', 'admin.roles']),
  });
}

/** Built-in role names are translated by code; custom roles show the name their creator gave. */
export function roleLabel(t: TFunction, code: string, name?: string) {
  return t(`common:roles.${code}`, { defaultValue: name ?? code });
}

export const byId = <T extends { id: number }>(rows: T[] | undefined) =>
  new Map((rows ?? []).map((r) => [r.id, r] as const));
