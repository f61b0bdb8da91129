import { useQuery } from '@tanstack/react-query';
import { type ApiData, api, call } from '../../app/api/client';

export type ServiceItem = ApiData<'/api/service-items', 'get'>['items'][number];
export type ServicePackage = ApiData<'/api/service-packages', 'get'>['items'][number];
export const FREQUENCIES = ['once', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export const CHANNELS = [
  'phone',
  'sms',
  'email',
  'visit',
  'wechat',
  'portal',
  'counter',
  'mail',
  'meeting',
] as const;
export const TASK_KINDS = ['call', 'visit', 'delivery', 'follow_up', 'review', 'other'] as const;
export const PACKAGE_KINDS = ['basic', 'value_added', 'vip', 'care'] as const;

export const useItems = () =>
  useQuery({ queryKey: ['service-items'], queryFn: () => call(api.GET('/api/service-items')) });
export const usePackages = () =>
  useQuery({ queryKey: ['service-packages'], queryFn: () => call(api.GET('/api/service-packages')) });
