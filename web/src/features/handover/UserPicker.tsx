import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { api, call } from '../../app/api/client';

/** Active staff to pick from (searchable); single or multiple. */
export function UserPicker(props: {
  value?: number | number[] | null;
  onChange?: (v: never) => void;
  multiple?: boolean;
  testId?: string;
  style?: React.CSSProperties;
}) {
  const [q, setQ] = useState('');
  const users = useQuery({
    queryKey: ['user-options', q],
    queryFn: () =>
      call(api.GET('/api/users/options', { params: { query: { q: q || undefined, limit: 50 } } })),
  });
  return (
    <Select
      mode={props.multiple ? 'multiple' : undefined}
      showSearch={{ filterOption: false, onSearch: setQ }}
      style={props.style ?? { width: 260 }}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v as never)}
      options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
      data-testid={props.testId}
    />
  );
}
