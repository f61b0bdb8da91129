// 工单: queue tabs with counts (mine, team, unassigned, breaching soon, breached), by type, filters, saved views,
// bulk assign, keyset "load more", and the new-ticket dialog.
import { PlusOutlined, SaveOutlined } from '@ant-design/icons';
import {
  App,
  Badge,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useShowError } from '../../app/errors';
import { byId, useDepartments, useTeams } from '../../app/lookups';
import { queryClient, useCan } from '../../app/session';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';
import {
  bulkAssign,
  deleteView,
  PRIORITIES,
  STATUSES,
  saveView,
  TICKET_TYPES,
  type Ticket,
  type TicketQuery,
  ticketsKey,
  useQueues,
  useSavedViews,
  useTickets,
  useUserOptions,
  VIEWS,
} from './api';
import { CustomerPicker } from './CustomerPicker';
import { PriorityTag, SlaTag, StatusTag, TypeTag } from './labels';
import { NewTicketDialog } from './NewTicketDialog';

const QUEUE_COUNT: Record<string, 'mine' | 'team' | 'unassigned' | 'breachingSoon' | 'breached' | undefined> =
  {
    mine: 'mine',
    team: 'team',
    unassigned: 'unassigned',
    breaching_soon: 'breachingSoon',
    breached: 'breached',
  };

function fromParams(p: URLSearchParams): TicketQuery {
  const q: Record<string, unknown> = {};
  for (const k of ['view', 'type', 'status', 'priority', 'q']) if (p.get(k)) q[k] = p.get(k);
  for (const k of ['customerId', 'assigneeId']) if (p.get(k)) q[k] = Number(p.get(k));
  return q as TicketQuery;
}

/** The SLA target that matters now: the first not yet met, by due time. */
export function nextSla(t: Ticket) {
  const open = t.sla.filter((s) => !s.metAt).sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
  return open[0] ?? t.sla[t.sla.length - 1];
}

export default function TicketsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const showError = useShowError();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => fromParams(params), [params]);
  const view = query.view ?? 'mine';
  const list = useTickets({ ...query, view });
  const queues = useQueues();
  const views = useSavedViews();
  const users = useUserOptions();
  const teams = byId(useTeams().data);
  const depts = byId(useDepartments().data);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [assigning, setAssigning] = useState(false);
  const [assignForm] = Form.useForm();
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const cap = queues.data?.cap ?? 0;
  const count = (n?: number) => (n === undefined ? '' : n >= cap && cap > 0 ? `${cap}+` : String(n));

  const set = (patch: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };

  const doSaveView = () => {
    let name = '';
    Modal.confirm({
      title: t('tickets:list.saveView'),
      content: (
        <Input autoFocus onChange={(e) => (name = e.target.value)} placeholder={t('tickets:list.viewName')} />
      ),
      onOk: async () => {
        try {
          await saveView(name, Object.fromEntries(params.entries()));
          await views.refetch();
          message.success(t('common:messages.saved'));
        } catch (e) {
          showError(e);
          throw e;
        }
      },
    });
  };

  const doBulkAssign = async () => {
    const v = await assignForm.validateFields();
    try {
      const r = await bulkAssign({ ticketIds: selected, assigneeId: v.assigneeId, reason: v.reason });
      message.success(t('tickets:list.bulkDone', { ok: r.assigned.length, failed: r.failed.length }));
      setAssigning(false);
      setSelected([]);
      await queryClient.invalidateQueries({ queryKey: ticketsKey });
    } catch (e) {
      showError(e, assignForm);
    }
  };

  return (
    <>
      <PageHeader
        title={t('tickets:list.title')}
        sub={t('tickets:list.subtitle')}
        extra={
          can('ticket.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="new-ticket"
            >
              {t('tickets:list.new')}
            </Button>
          )
        }
      />
      <Card size="small" styles={{ body: { paddingTop: 0 } }}>
        <Tabs
          activeKey={view}
          onChange={(k) => set({ view: k })}
          data-testid="queue-tabs"
          items={VIEWS.map((v) => {
            const key = QUEUE_COUNT[v];
            const n = key ? queues.data?.[key] : undefined;
            return {
              key: v,
              label: (
                <span data-testid={`queue-${v}`}>
                  {t(`tickets:views.${v}`)}{' '}
                  {n !== undefined && (
                    <Badge
                      count={count(n)}
                      showZero
                      color={v === 'breached' ? 'red' : v === 'breaching_soon' ? 'orange' : '#1668dc'}
                      style={{ marginInlineStart: 4 }}
                    />
                  )}
                </span>
              ),
            };
          })}
        />
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          {TICKET_TYPES.map((ty) => (
            <Tag.CheckableTag
              key={ty}
              checked={query.type === ty}
              onChange={(on) => set({ type: on ? ty : undefined })}
            >
              {t(`tickets:type.${ty}`)} {queues.data?.byType?.[ty] ?? 0}
            </Tag.CheckableTag>
          ))}
        </Flex>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('tickets:list.searchPlaceholder')}
            defaultValue={query.q}
            onSearch={(q) => set({ q })}
            data-testid="ticket-search"
          />
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('tickets:fields.status')}
            value={query.status}
            onChange={(v) => set({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`tickets:status.${s}`) }))}
          />
          <Select
            allowClear
            style={{ width: 120 }}
            placeholder={t('tickets:fields.priority')}
            value={query.priority}
            onChange={(v) => set({ priority: v })}
            options={PRIORITIES.map((s) => ({ value: s, label: t(`tickets:priority.${s}`) }))}
          />
          <div style={{ width: 220 }}>
            <CustomerPicker value={query.customerId} onChange={(v) => set({ customerId: v ?? undefined })} />
          </div>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 160 }}
            placeholder={t('tickets:fields.assignee')}
            value={query.assigneeId}
            onChange={(v) => set({ assigneeId: v })}
            options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
          />
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('tickets:list.savedViews')}
            value={null}
            onChange={(id) => {
              const v = views.data?.find((x) => x.id === id);
              if (v) setParams(new URLSearchParams(v.query as Record<string, string>), { replace: true });
            }}
            options={(views.data ?? []).map((v) => ({
              value: v.id,
              label: (
                <Flex justify="space-between">
                  {v.name}
                  <Typography.Link
                    onClick={async (e) => {
                      e.stopPropagation();
                      await deleteView(v.id).catch(showError);
                      await views.refetch();
                    }}
                  >
                    {t('common:actions.delete')}
                  </Typography.Link>
                </Flex>
              ),
            }))}
          />
          <Button icon={<SaveOutlined />} onClick={doSaveView}>
            {t('tickets:list.saveView')}
          </Button>
          {can('ticket.assign') && selected.length > 0 && (
            <Button onClick={() => setAssigning(true)} data-testid="bulk-assign">
              {t('tickets:list.bulkAssign', { count: selected.length })}
            </Button>
          )}
        </Flex>
        <Table<Ticket>
          rowKey="id"
          size="middle"
          data-testid="tickets-table"
          loading={list.isLoading}
          dataSource={rows}
          pagination={false}
          rowSelection={
            can('ticket.assign')
              ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as number[]) }
              : undefined
          }
          columns={[
            {
              title: t('tickets:fields.number'),
              dataIndex: 'number',
              width: 150,
              render: (n, r) => <Link to={`/tickets/${r.id}`}>{n}</Link>,
            },
            {
              title: t('tickets:fields.subject'),
              dataIndex: 'subject',
              ellipsis: true,
              render: (s, r) => <Link to={`/tickets/${r.id}`}>{s}</Link>,
            },
            {
              title: t('tickets:fields.type'),
              dataIndex: 'type',
              width: 100,
              render: (x) => <TypeTag type={x} />,
            },
            {
              title: t('tickets:fields.priority'),
              dataIndex: 'priority',
              width: 80,
              render: (x) => <PriorityTag priority={x} />,
            },
            {
              title: t('tickets:fields.status'),
              dataIndex: 'status',
              width: 100,
              render: (x) => <StatusTag status={x} />,
            },
            {
              title: t('tickets:fields.sla'),
              width: 200,
              render: (_, r) => {
                const s = nextSla(r);
                if (!s) return '—';
                return (
                  <Space size={4}>
                    <SlaTag state={s.state} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {s.dueAt ? dayjs(s.dueAt).format('MM-DD HH:mm') : ''}
                    </Typography.Text>
                  </Space>
                );
              },
            },
            { title: t('tickets:fields.owner'), dataIndex: 'firstContactOwnerName', width: 110 },
            {
              title: t('tickets:fields.assignee'),
              dataIndex: 'assigneeName',
              width: 130,
              render: (x, r) =>
                x ??
                (r.teamId ? teams.get(r.teamId)?.name : null) ??
                (r.departmentId ? depts.get(r.departmentId)?.name : null) ??
                '—',
            },
            {
              title: t('tickets:fields.receivedAt'),
              dataIndex: 'receivedAt',
              width: 140,
              render: (x) => dayjs(x).format('YYYY-MM-DD HH:mm'),
            },
          ]}
        />
        <LoadMore
          count={rows.length}
          hasMore={!!list.hasNextPage}
          loading={list.isFetchingNextPage}
          onMore={() => list.fetchNextPage()}
        />
      </Card>
      <NewTicketDialog open={creating} onClose={() => setCreating(false)} />
      <Modal
        open={assigning}
        title={t('tickets:list.bulkAssign', { count: selected.length })}
        onCancel={() => setAssigning(false)}
        onOk={doBulkAssign}
        destroyOnHidden
      >
        <Form form={assignForm} layout="vertical">
          <Form.Item name="assigneeId" label={t('tickets:fields.assignee')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
            />
          </Form.Item>
          <Form.Item name="reason" label={t('tickets:transfer.reason')} rules={[{ required: true }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
