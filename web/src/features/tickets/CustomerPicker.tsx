// Search a customer by name, code or phone (the customer base's search) and pick one.
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';

export function CustomerPicker(props: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  testId?: string;
  /** A customer already chosen (e.g. opening a ticket from the customer's page), shown by name at once. */
  known?: { id: number; name: string; code: string } | null;
  /** Called with the chosen customer's name and code too (e.g. to add it to a list of recipients). */
  onPick?: (c: { id: number; name: string; code: string }) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['tickets', 'customer-pick', q],
    queryFn: () => call(api.POST('/api/customers/search', { body: { q: q || undefined, limit: 20 } })),
    enabled: q.length > 0 || !!props.value,
  });
  return (
    <Select
      showSearch
      allowClear
      style={{ width: '100%' }}
      filterOption={false}
      placeholder={t('tickets:form.customerSearch')}
      onSearch={setQ}
      value={props.value ?? undefined}
      onChange={(v) => {
        props.onChange?.(v ?? null);
        const c = search.data?.items.find((x) => x.id === v);
        if (c) props.onPick?.({ id: c.id, name: c.name, code: c.code });
      }}
      loading={search.isFetching}
      data-testid={props.testId ?? 'customer-picker'}
      notFoundContent={q ? t('tickets:form.noCustomer') : null}
      options={[
        ...(props.known && !search.data?.items.some((c) => c.id === props.known?.id) ? [props.known] : []),
        ...(search.data?.items ?? []),
      ].map((c) => ({
        value: c.id,
        label: `${c.name} · ${c.code}`,
      }))}
    />
  );
}
