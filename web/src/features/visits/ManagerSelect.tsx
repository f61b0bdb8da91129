// Whose visits: an account manager of my branches (default: me); empty means every manager I may see.
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useMe } from '../../app/session';

export const useStaffOptions = () =>
  useQuery({
    queryKey: ['visits', 'staff'],
    queryFn: () => call(api.GET('/api/users/options', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });

export function ManagerSelect(props: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  allowAll?: boolean;
  testId?: string;
  width?: number | string;
  placeholder?: string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const staff = useStaffOptions();
  const options = [
    { value: me.id, label: `${me.displayName} (${t('visits:manager.me')})` },
    ...(staff.data ?? [])
      .filter((u) => u.id !== me.id)
      .map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` })),
  ];
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      allowClear={props.allowAll}
      placeholder={props.placeholder ?? (props.allowAll ? t('visits:manager.all') : undefined)}
      style={{ width: props.width ?? 220 }}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? null)}
      options={options}
      loading={staff.isLoading}
      data-testid={props.testId ?? 'visit-manager'}
    />
  );
}
