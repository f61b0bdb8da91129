// The list's filters: every built-in field and every custom field (by its type). State is the filter list
// itself, keyed by field, so a saved view's query maps back onto the controls.
import { DatePicker, Flex, Input, InputNumber, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useBranches } from '../../app/lookups';
import { type CustomField, type Filter, KINDS, PURPOSES, RISK_LEVELS, STATUSES } from './api';

export type FilterState = Record<string, Filter>;

type Props = { value: FilterState; onChange: (v: FilterState) => void; customFields: CustomField[] };

const W = { width: 170 };

export function CustomerFilters({ value, onChange, customFields }: Props) {
  const { t } = useTranslation();
  const branches = useBranches();
  const set = (field: string, f: Omit<Filter, 'field'> | null) => {
    const next = { ...value };
    if (f) next[field] = { field, ...f };
    else delete next[field];
    onChange(next);
  };
  const inList = (field: string) => (v: unknown[] | undefined) =>
    set(field, v?.length ? { op: 'in', value: v } : null);
  const eq = (field: string) => (v: unknown) =>
    set(field, v === undefined || v === null || v === '' ? null : { op: 'eq', value: v });
  const listVal = (field: string) => value[field]?.value as never;
  const range = (field: string, kind: 'date' | 'time') => (
    <DatePicker.RangePicker
      key={field}
      style={{ width: 250 }}
      value={
        value[field] ? ((value[field].value as string[]).map((s) => dayjs(s)) as [Dayjs, Dayjs]) : undefined
      }
      onChange={(r) =>
        set(
          field,
          r?.[0] && r[1]
            ? {
                op: 'between',
                value:
                  kind === 'date'
                    ? [r[0].format('YYYY-MM-DD'), r[1].format('YYYY-MM-DD')]
                    : [r[0].startOf('day').toISOString(), r[1].endOf('day').toISOString()],
              }
            : null,
        )
      }
    />
  );
  const labelled = (label: string, node: React.ReactNode) => (
    <Flex vertical gap={2} key={label}>
      <span style={{ fontSize: 12, color: '#888' }}>{label}</span>
      {node}
    </Flex>
  );

  return (
    <Flex gap={12} wrap data-testid="customer-filters">
      {labelled(
        t('customers:fields.kind'),
        <Select
          allowClear
          style={W}
          value={listVal('kind')}
          onChange={eq('kind')}
          options={KINDS.map((k) => ({ value: k, label: t(`customers:kind.${k}`) }))}
        />,
      )}
      {labelled(
        t('customers:fields.status'),
        <Select
          mode="multiple"
          allowClear
          style={W}
          value={listVal('status')}
          onChange={inList('status')}
          options={STATUSES.map((k) => ({ value: k, label: t(`customers:status.${k}`) }))}
        />,
      )}
      {labelled(
        t('customers:fields.branch'),
        <Select
          mode="multiple"
          allowClear
          style={W}
          value={listVal('branchId')}
          onChange={inList('branchId')}
          options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
        />,
      )}
      {labelled(
        t('customers:fields.ownerId'),
        <InputNumber
          style={W}
          min={1}
          placeholder={t('customers:list.ownerIdHint')}
          value={listVal('ownerId')}
          onChange={eq('ownerId')}
        />,
      )}
      {labelled(
        t('customers:fields.tier'),
        <Input
          allowClear
          style={W}
          value={listVal('tier')}
          onChange={(e) => eq('tier')(e.target.value.trim())}
        />,
      )}
      {labelled(
        t('customers:fields.tags'),
        <Select
          mode="tags"
          allowClear
          style={W}
          value={listVal('tags')}
          onChange={(v: string[]) => set('tags', v.length ? { op: 'hasAny', value: v } : null)}
        />,
      )}
      {labelled(
        t('customers:fields.riskLevel'),
        <Select
          mode="multiple"
          allowClear
          style={W}
          value={listVal('riskLevel')}
          onChange={inList('riskLevel')}
          options={RISK_LEVELS.map((k) => ({ value: k, label: k }))}
        />,
      )}
      {labelled(
        t('customers:fields.purpose'),
        <Select
          allowClear
          style={W}
          value={listVal('purpose')}
          onChange={eq('purpose')}
          options={PURPOSES.map((k) => ({ value: k, label: t(`customers:purpose.${k}`) }))}
        />,
      )}
      {labelled(
        t('customers:fields.sourceChannel'),
        <Input
          allowClear
          style={W}
          value={listVal('sourceChannel')}
          onChange={(e) => eq('sourceChannel')(e.target.value.trim())}
        />,
      )}
      {labelled(t('customers:fields.createdAt'), range('createdAt', 'time'))}
      {labelled(t('customers:fields.lastContactAt'), range('lastContactAt', 'time'))}
      {customFields.map((cf) => {
        const field = `custom.${cf.key}`;
        const opts = cf.options.map((o) => ({ value: o.value, label: o.label }));
        switch (cf.type) {
          case 'single_choice':
            return labelled(
              cf.label,
              <Select
                mode="multiple"
                allowClear
                style={W}
                value={listVal(field)}
                onChange={inList(field)}
                options={opts}
              />,
            );
          case 'multi_choice':
            return labelled(
              cf.label,
              <Select
                mode="multiple"
                allowClear
                style={W}
                value={listVal(field)}
                onChange={(v: string[]) => set(field, v.length ? { op: 'hasAny', value: v } : null)}
                options={opts}
              />,
            );
          case 'date':
            return labelled(cf.label, range(field, 'date'));
          case 'number':
            return labelled(
              cf.label,
              <InputNumber
                style={W}
                placeholder="≥"
                value={listVal(field)}
                onChange={(v) => set(field, v === null ? null : { op: 'gte', value: v })}
              />,
            );
          default:
            return labelled(
              cf.label,
              <Input
                allowClear
                style={W}
                value={listVal(field)}
                onChange={(e) =>
                  set(field, e.target.value.trim() ? { op: 'contains', value: e.target.value.trim() } : null)
                }
              />,
            );
        }
      })}
    </Flex>
  );
}
