import { useQuery } from '@tanstack/react-query';
import { type ApiData, api, call } from '../../app/api/client';

export type Campaign = ApiData<'/api/campaigns/{id}', 'get'>;
export type Progress = ApiData<'/api/campaigns/{id}/progress', 'get'>;
export type Workspace = ApiData<'/api/campaigns/{id}/workspace', 'get'>;
export type FailedMessage = ApiData<'/api/campaigns/{id}/failed-messages', 'get'>[number];
export const OUTCOMES = ['reached', 'no_answer', 'busy', 'wrong_number', 'refused', 'unreachable'] as const;

export function useCampaigns(status?: 'draft' | 'running' | 'finished') {
  return useQuery({
    queryKey: ['campaigns', 'list', status ?? 'all'],
    queryFn: () => call(api.GET('/api/campaigns', { params: { query: status ? { status } : {} } })),
  });
}
