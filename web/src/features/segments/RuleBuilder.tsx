// A visual rule builder: nested AND/OR groups of conditions over customer fields, custom fields, tags and metrics,
// operators by the field's type. Controlled: `value` is the edited tree, `onChange` gets a new one.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, InputNumber, Radio, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import {
  BUILTIN_FIELDS,
  type FieldType,
  type Group,
  isGroup,
  key,
  type Leaf,
  METRIC_FIELDS,
  type Node,
  OPS,
} from './rule';

type FieldDef = { field: string; type: FieldType; label: string };
const DAY = 'YYYY-MM-DD';

function useFieldDefs(): FieldDef[] {
  const { t } = useTranslation();
  const cf = useQuery({
    queryKey: ['custom-fields', 'all', false],
    queryFn: () => call(api.GET('/api/custom-fields', { params: { query: {} } })),
    staleTime: 60_000,
  });
  return [
    ...METRIC_FIELDS.map((m) => ({
      field: `metric.${m}`,
      type: 'number' as const,
      label: t(`programs:rule.metrics.${m}`),
    })),
    ...BUILTIN_FIELDS.map((f) => ({ ...f, label: t(`programs:rule.fields.${f.field}`) })),
    ...(cf.data ?? []).map((c) => ({
      field: `custom.${c.key}`,
      type: (c.type === 'number' ? 'number' : c.type === 'multi_choice' ? 'tags' : 'text') as FieldType,
      label: c.label,
    })),
  ];
}

function LeafEditor(props: {
  leaf: Leaf;
  defs: FieldDef[];
  onChange: (l: Leaf) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { leaf, defs } = props;
  const def = defs.find((d) => d.field === leaf.field);
  const type = def?.type ?? 'text';
  // A rule saved with a field or operator this builder does not offer still reads in words, never as its code.
  const ops = leaf.op && !OPS[type].includes(leaf.op) ? [...OPS[type], leaf.op] : OPS[type];
  const fieldOptions = defs.map((d) => ({ value: d.field, label: d.label }));
  if (leaf.field && !def)
    fieldOptions.push({
      value: leaf.field,
      label: t(`programs:rule.fields.${leaf.field}`, { defaultValue: t('programs:rule.otherField') }),
    });
  const set = (p: Partial<Leaf>) => props.onChange({ ...leaf, ...p });
  let input: React.ReactNode = null;
  if (leaf.op === 'empty' || leaf.op === 'notEmpty') input = null;
  else if (type === 'boolean')
    input = (
      <Select
        style={{ width: 120 }}
        value={leaf.value as boolean | undefined}
        onChange={(v) => set({ value: v })}
        options={[
          { value: true, label: t('programs:rule.yes') },
          { value: false, label: t('programs:rule.no') },
        ]}
      />
    );
  else if (type === 'date' && leaf.op === 'between') {
    const v = (Array.isArray(leaf.value) ? leaf.value : [null, null]) as (string | null)[];
    input = (
      <DatePicker.RangePicker
        value={[v[0] ? dayjs(v[0]) : null, v[1] ? dayjs(v[1]) : null]}
        onChange={(r) => set({ value: [r?.[0]?.format(DAY) ?? null, r?.[1]?.format(DAY) ?? null] })}
        data-testid="rule-value"
      />
    );
  } else if (type === 'date')
    input = (
      <DatePicker
        value={typeof leaf.value === 'string' ? dayjs(leaf.value) : null}
        onChange={(d) => set({ value: d ? d.format(DAY) : undefined })}
        data-testid="rule-value"
      />
    );
  else if (type === 'number' && leaf.op === 'between') {
    const v = (Array.isArray(leaf.value) ? leaf.value : [null, null]) as (number | null)[];
    input = (
      <Space>
        <InputNumber value={v[0]} onChange={(x) => set({ value: [x, v[1]] })} />
        <InputNumber value={v[1]} onChange={(x) => set({ value: [v[0], x] })} />
      </Space>
    );
  } else if (type === 'number')
    input = (
      <InputNumber
        style={{ width: 180 }}
        value={leaf.value as number | undefined}
        onChange={(x) => set({ value: x ?? undefined })}
        formatter={(v) => `${v}`.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}
        parser={(v) => Number((v ?? '').replace(/,/g, '')) as unknown as number}
        data-testid="rule-value"
      />
    );
  else if (['in', 'hasAny', 'hasAll'].includes(leaf.op))
    input = (
      <Select
        mode="tags"
        style={{ minWidth: 200 }}
        value={(leaf.value as string[] | undefined) ?? []}
        onChange={(v) => set({ value: v })}
        data-testid="rule-value"
      />
    );
  else
    input = (
      <Select
        mode="tags"
        maxCount={1}
        style={{ minWidth: 200 }}
        value={leaf.value == null ? [] : [String(leaf.value)]}
        onChange={(v: string[]) => set({ value: v[0] })}
        data-testid="rule-value"
      />
    );
  return (
    <Space wrap data-testid="rule-leaf">
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        style={{ width: 200 }}
        placeholder={t('programs:rule.field')}
        value={leaf.field || undefined}
        options={fieldOptions}
        onChange={(f) => {
          const nt = defs.find((d) => d.field === f)?.type ?? 'text';
          props.onChange({ ...leaf, field: f, op: OPS[nt][0], value: undefined });
        }}
        data-testid="rule-field"
      />
      <Select
        style={{ width: 120 }}
        value={leaf.op}
        options={ops.map((o) => ({
          value: o,
          label: t(`programs:rule.ops.${o}`, { defaultValue: t('programs:rule.otherOp') }),
        }))}
        onChange={(op) => set({ op, value: undefined })}
        data-testid="rule-op"
      />
      {input}
      <Button
        type="text"
        danger
        icon={<DeleteOutlined />}
        onClick={props.onRemove}
        aria-label={t('common:actions.delete')}
      />
    </Space>
  );
}

function GroupEditor(props: {
  group: Group;
  defs: FieldDef[];
  depth: number;
  onChange: (g: Group) => void;
  onRemove?: () => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { group } = props;
  const replace = (i: number, n: Node | null) => {
    const rules = [...group.rules];
    if (n) rules[i] = n;
    else rules.splice(i, 1);
    props.onChange({ ...group, rules });
  };
  return (
    <Card
      size="small"
      style={{ background: props.depth % 2 ? '#fafafa' : undefined }}
      data-testid="rule-group"
      title={
        <Radio.Group
          size="small"
          value={group.op}
          optionType="button"
          onChange={(e) => props.onChange({ ...group, op: e.target.value })}
          options={[
            { value: 'and', label: t('programs:rule.and') },
            { value: 'or', label: t('programs:rule.or') },
          ]}
        />
      }
      extra={
        <Space>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() =>
              props.onChange({ ...group, rules: [...group.rules, { k: key(), field: '', op: 'gte' }] })
            }
            data-testid="rule-add-condition"
          >
            {t('programs:rule.addCondition')}
          </Button>
          {props.depth < 4 && (
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                props.onChange({
                  ...group,
                  rules: [...group.rules, { k: key(), op: group.op === 'and' ? 'or' : 'and', rules: [] }],
                })
              }
            >
              {t('programs:rule.addGroup')}
            </Button>
          )}
          {props.onRemove && (
            <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={props.onRemove} />
          )}
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {group.rules.length === 0 && <span style={{ color: '#999' }}>{t('programs:rule.emptyGroup')}</span>}
        {group.rules.map((n, i) =>
          isGroup(n) ? (
            <GroupEditor
              key={n.k}
              group={n}
              defs={props.defs}
              depth={props.depth + 1}
              onChange={(g) => replace(i, g)}
              onRemove={() => replace(i, null)}
            />
          ) : (
            <LeafEditor
              key={n.k}
              leaf={n}
              defs={props.defs}
              onChange={(l) => replace(i, l)}
              onRemove={() => replace(i, null)}
            />
          ),
        )}
      </Space>
    </Card>
  );
}

export function RuleBuilder(props: { value: Group; onChange: (g: Group) => void }) {
  const defs = useFieldDefs();
  return <GroupEditor group={props.value} defs={defs} depth={0} onChange={props.onChange} />;
}
