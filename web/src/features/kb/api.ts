import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type ApiBody, type ApiData, api, call } from '../../app/api/client';

export type Article = ApiData<'/api/kb/articles/{id}', 'get'>;
export type ArticleItem = ApiData<'/api/kb/articles', 'get'>['items'][number];
export type ArticleInput = ApiBody<'/api/kb/articles', 'post'>;
export const KINDS = ['standard', 'script', 'faq'] as const;
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;

export type ArticleQuery = {
  q?: string;
  categoryId?: number;
  kind?: (typeof KINDS)[number];
  status?: (typeof ARTICLE_STATUSES)[number];
};

export function useArticles(query: ArticleQuery) {
  return useInfiniteQuery({
    queryKey: ['kb', 'articles', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/kb/articles', { params: { query: { ...query, cursor: pageParam, limit: 30 } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
export const useKbCategories = () =>
  useQuery({ queryKey: ['kb', 'categories'], queryFn: () => call(api.GET('/api/kb/categories')) });
export const useArticle = (id: number) =>
  useQuery({
    queryKey: ['kb', 'article', id],
    queryFn: () => call(api.GET('/api/kb/articles/{id}', { params: { path: { id } } })),
    enabled: id > 0,
  });
export const useVersions = (id: number) =>
  useQuery({
    queryKey: ['kb', 'article', id, 'versions'],
    queryFn: () => call(api.GET('/api/kb/articles/{id}/versions', { params: { path: { id } } })),
    enabled: id > 0,
  });
export const createArticle = (body: ArticleInput) => call(api.POST('/api/kb/articles', { body }));
export const updateArticle = (id: number, body: ApiBody<'/api/kb/articles/{id}', 'patch'>) =>
  call(api.PATCH('/api/kb/articles/{id}', { params: { path: { id } }, body }));
export const createKbCategory = (name: string, parentId: number | null) =>
  call(api.POST('/api/kb/categories', { body: { name, parentId } }));
export const renameKbCategory = (id: number, name: string) =>
  call(api.PATCH('/api/kb/categories/{id}', { params: { path: { id } }, body: { name } }));
