// The signed-in user (GET /api/me) shared through react-query; `null` when nobody is signed in.
import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { type ApiData, ApiError, api, call, onUnauthorized } from './api/client';
import { applyLanguage, isLanguage, type Language } from './i18n';

export type Me = ApiData<'/api/me', 'get'>;
export const ME_KEY = ['me'] as const;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (n, e) => !(e instanceof ApiError && e.status > 0 && e.status < 500) && n < 2,
    },
  },
});

// Any 401 means the session ended (expired, signed out elsewhere, password changed): back to sign-in.
onUnauthorized(() => {
  if (queryClient.getQueryData(ME_KEY) !== null) {
    queryClient.setQueryData(ME_KEY, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  }
});

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await call(api.GET('/api/me'));
    if (isLanguage(me.locale)) await applyLanguage(me.locale);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function useSession() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** The signed-in user; only for components inside the application shell. */
export function useMe(): Me {
  const { data } = useSession();
  if (!data) throw new Error('useMe() outside a signed-in page');
  return data;
}

/** Whether the user holds a permission (or any of several). The server still checks every request. */
export function hasPermission(me: Me | null | undefined, perm?: string | string[]) {
  if (!perm) return true;
  if (!me) return false;
  const list = Array.isArray(perm) ? perm : [perm];
  return list.length === 0 || list.some((p) => me.permissions.includes(p));
}

export function useCan() {
  const { data } = useSession();
  return useCallback((perm?: string | string[]) => hasPermission(data, perm), [data]);
}

/** Sets the session after signing in (the login answer is the same shape as GET /api/me). */
export async function setSignedIn(me: Me) {
  queryClient.clear();
  if (isLanguage(me.locale)) await applyLanguage(me.locale);
  queryClient.setQueryData(ME_KEY, me);
}

export async function signOut() {
  try {
    await call(api.POST('/api/auth/logout'));
  } finally {
    queryClient.clear();
    queryClient.setQueryData(ME_KEY, null);
  }
}

/** Switch language now; remembered in this browser, and for the user when signed in. */
export function useChangeLanguage() {
  const qc = useQueryClient();
  return useCallback(
    async (lang: Language) => {
      await applyLanguage(lang);
      const me = qc.getQueryData<Me | null>(ME_KEY);
      if (me && me.locale !== lang) {
        const updated = await call(api.PATCH('/api/me', { body: { locale: lang } }));
        qc.setQueryData(ME_KEY, updated);
      }
    },
    [qc],
  );
}
