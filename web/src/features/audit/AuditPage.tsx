// 审计日志 for compliance: filter by user, entity, id, action and time; newest first; each row opens its diff.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, api, call } from '../../app/api/client';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';
import { AuditDiff } from './AuditDiff';

type Row = ApiData<'/api/audit', 'get'>['items'][number];
type Filters = {
  actorId?: number;
  entity?: string;
  entityId?: string;
  action?: string;
  from?: string;
  to?: string;
};

function UserPicker({ value, onChange }: { value?: number; onChange: (v?: number) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const staff = useQuery({
    queryKey: ['users', 'options', 'q', q],
    queryFn: () =>
      call(api.GET('/api/users/options', { params: { query: { q: q || undefined, limit: 30 } } })),
  });
  return (
    <Select
      allowClear
      showSearch
      filterOption={false}
      onSearch={setQ}
      placeholder={t('audit:filters.user')}
      style={{ width: 170 }}
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      options={(staff.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
    />
  );
}

/** `{ ticket: { update: '…' } }` → `{ 'ticket.update': '…' }`. */
function flattenLabels(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (obj && typeof obj === 'object')
    for (const [k, v] of Object.entries(obj)) {
      const code = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'string') out[code] = v;
      else flattenLabels(v, code, out);
    }
  return out;
}

/** What the row is about by the numbers and names people use: the ticket number, the customer, the user. */
function EntityName({ row: r }: { row: Row }) {
  const { t } = useTranslation();
  const customer = r.customerCode && (
    <Typography.Text>
      {r.customerCode} {r.customerName}
    </Typography.Text>
  );
  if (r.ticketNumber)
    return (
      <>
        <Typography.Text strong>{r.ticketNumber}</Typography.Text>
        {customer && <Typography.Text type="secondary">{t('audit:ofCustomer')}</Typography.Text>}
        {customer}
      </>
    );
  if (customer) return customer;
  if (r.userDisplayName) return <Typography.Text>{r.userDisplayName}</Typography.Text>;
  return r.entityId ? (
    <Typography.Text type="secondary">{t('audit:entityNo', { id: r.entityId })}</Typography.Text>
  ) : null;
}

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Filters>({});
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [filters, setFilters] = useState<Filters>({});
  const log = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/audit', { params: { query: { ...filters, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  // Entities a filter offers: those named in the audit namespace (features add theirs to audit.json `entities`).
  const entities = Object.keys(
    i18n.getResourceBundle(i18n.resolvedLanguage ?? 'zh-CN', 'audit')?.entities ?? {},
  );
  // Actions a filter offers, by their labels (audit.json `actions`, nested by the code's dotted parts).
  const actionLabels = flattenLabels(
    i18n.getResourceBundle(i18n.resolvedLanguage ?? 'zh-CN', 'audit')?.actions ?? {},
  );
  /** An action by its label; one with no label yet by its object's name and "other action". */
  const actionText = (r: Pick<Row, 'action' | 'entity'>) =>
    actionLabels[r.action] ??
    t('audit:otherAction', {
      entity: t(`audit:entities.${r.entity}`, { defaultValue: t('audit:entityOther') }),
    });
  const set = (patch: Filters) => setDraft((d) => ({ ...d, ...patch }));
  const apply = () =>
    setFilters({
      ...draft,
      entityId: draft.entityId?.trim() || undefined,
      action: draft.action || undefined,
      from: range?.[0]?.toISOString(),
      to: range?.[1]?.toISOString(),
    });
  const reset = () => {
    setDraft({});
    setRange(null);
    setFilters({});
  };

  return (
    <>
      <PageHeader title={t('audit:title')} sub={t('audit:subtitle')} />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <UserPicker value={draft.actorId} onChange={(actorId) => set({ actorId })} />
          <Select
            allowClear
            showSearch
            placeholder={t('audit:filters.entity')}
            style={{ width: 130 }}
            value={draft.entity}
            onChange={(entity) => set({ entity })}
            options={entities.map((e) => ({ value: e, label: t(`audit:entities.${e}`) }))}
            data-testid="audit-entity"
          />
          <Input
            placeholder={t('audit:filters.entityId')}
            style={{ width: 110 }}
            value={draft.entityId}
            onChange={(e) => set({ entityId: e.target.value })}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audit:filters.action')}
            style={{ width: 200 }}
            value={draft.action}
            onChange={(action) => set({ action })}
            options={Object.entries(actionLabels).map(([value, label]) => ({ value, label }))}
            data-testid="audit-action"
          />
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={range}
            onChange={(v) => setRange(v)}
          />
          <Button type="primary" onClick={apply} data-testid="audit-search">
            {t('common:actions.search')}
          </Button>
          <Button onClick={reset}>{t('common:actions.reset')}</Button>
        </Flex>
        <Table<Row>
          rowKey="id"
          size="middle"
          loading={log.isPending}
          dataSource={rows}
          pagination={false}
          expandable={{
            expandedRowRender: (r) => <AuditDiff row={r} />,
            rowExpandable: (r) => r.before != null || r.after != null || r.meta != null,
          }}
          columns={[
            {
              title: t('audit:columns.at'),
              dataIndex: 'at',
              width: 170,
              render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss'),
            },
            {
              title: t('audit:columns.actor'),
              key: 'actor',
              width: 160,
              render: (_, r) =>
                r.actorName == null && r.actorDisplayName == null ? (
                  t('audit:system')
                ) : (
                  <Flex vertical>
                    <span>{r.actorDisplayName ?? r.actorName}</span>
                    {r.actorDisplayName && r.actorName && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {r.actorName}
                      </Typography.Text>
                    )}
                  </Flex>
                ),
            },
            {
              title: t('audit:columns.action'),
              key: 'action',
              render: (_, r) => actionText(r),
            },
            {
              title: t('audit:columns.entity'),
              key: 'entity',
              width: 260,
              render: (_, r) => (
                <Flex gap={4} wrap align="center">
                  <Tag>{t(`audit:entities.${r.entity}`, { defaultValue: t('audit:entityOther') })}</Tag>
                  <EntityName row={r} />
                </Flex>
              ),
            },
            { title: t('audit:columns.ip'), dataIndex: 'ip', width: 130 },
          ]}
        />
        <LoadMore
          count={rows.length}
          hasMore={!!log.hasNextPage}
          loading={log.isFetchingNextPage}
          onMore={() => log.fetchNextPage()}
        />
      </Card>
    </>
  );
}
