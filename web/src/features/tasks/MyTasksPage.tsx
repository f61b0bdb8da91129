// 我的任务: mine / overdue / due this week (and done); new task, edit, complete with an outcome, cancel with a reason.

import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Form, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDate } from '../../app/format';
import { useCan } from '../../app/session';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';
import { CancelTaskDialog, type Task, TaskDialog } from './TaskDialog';

type View = 'mine' | 'overdue' | 'week' | 'done';

function CompleteDialog(props: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const showError = useShowError();
  const done = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return call(
        api.POST('/api/tasks/{id}/complete', {
          params: { path: { id: props.task.id } },
          body: { outcome: v.outcome, version: props.task.version },
        }),
      );
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['tasks'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open
      title={t('programs:tasks.complete')}
      onCancel={props.onClose}
      onOk={() => done.mutate()}
      confirmLoading={done.isPending}
      okButtonProps={{ id: 'task-complete-ok' }}
    >
      <p>{props.task.title}</p>
      <Form form={form} layout="vertical">
        <Form.Item name="outcome" label={t('programs:tasks.outcome')} rules={[{ required: true }]}>
          <Input.TextArea rows={3} data-testid="task-outcome" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function MyTasksPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [view, setView] = useState<View>('mine');
  const [completing, setCompleting] = useState<Task | null>(null);
  const [editing, setEditing] = useState<Task | 'new' | null>(null);
  const [cancelling, setCancelling] = useState<Task | null>(null);
  const counts = useQuery({
    queryKey: ['tasks', 'counts'],
    queryFn: () => call(api.GET('/api/tasks/counts')),
  });
  const q = useInfiniteQuery({
    queryKey: ['tasks', 'list', view],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/tasks', {
          params: {
            query:
              view === 'done'
                ? { view: 'mine', status: 'done', cursor: pageParam, limit: 50 }
                : { view, status: 'open', cursor: pageParam, limit: 50 },
          },
        }),
      ),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const c = counts.data;
  const tab = (k: View, n?: number) => ({
    key: k,
    label: (
      <span>
        {t(`programs:tasks.views.${k}`)}{' '}
        {n != null && <Badge count={n} showZero color={k === 'overdue' ? 'red' : 'blue'} />}
      </span>
    ),
  });
  return (
    <>
      <PageHeader
        title={t('programs:tasks.title')}
        extra={
          can('task.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="task-new"
            >
              {t('programs:tasks.new')}
            </Button>
          )
        }
      />
      <Card>
        <Tabs
          activeKey={view}
          onChange={(k) => setView(k as View)}
          items={[tab('mine', c?.open), tab('overdue', c?.overdue), tab('week', c?.week), tab('done')]}
        />
        <Table
          rowKey="id"
          loading={q.isLoading}
          dataSource={rows}
          pagination={false}
          data-testid="tasks-table"
          columns={[
            { title: t('programs:tasks.task'), dataIndex: 'title' },
            {
              title: t('programs:tasks.kind'),
              dataIndex: 'kind',
              render: (v) => t(`programs:taskKinds.${v}`),
            },
            {
              title: t('programs:common.customer'),
              dataIndex: 'customerName',
              render: (v, r) =>
                r.customerId && <Link to={`/customers/${r.customerId}`}>{`${v} (${r.customerCode})`}</Link>,
            },
            {
              title: t('programs:tasks.source'),
              dataIndex: 'sourceKind',
              render: (v) => <Tag>{t(`programs:tasks.sources.${v}`)}</Tag>,
            },
            {
              title: t('programs:tasks.due'),
              dataIndex: 'dueAt',
              render: (v: string | null, r) =>
                v && <span style={{ color: r.overdue ? '#ff4d4f' : undefined }}>{fmtDate(v)}</span>,
            },
            ...(view === 'done'
              ? [{ title: t('programs:tasks.outcome'), dataIndex: 'outcome' as const }]
              : [
                  {
                    key: 'act',
                    render: (_: unknown, r: Task) =>
                      can('task.write') && (
                        <Space size="small">
                          <Button
                            size="small"
                            type="primary"
                            onClick={() => setCompleting(r)}
                            data-testid="task-complete"
                          >
                            {t('programs:tasks.complete')}
                          </Button>
                          <Button size="small" onClick={() => setEditing(r)} data-testid="task-edit">
                            {t('common:actions.edit')}
                          </Button>
                          <Button
                            size="small"
                            danger
                            onClick={() => setCancelling(r)}
                            data-testid="task-cancel"
                          >
                            {t('programs:tasks.cancelTask')}
                          </Button>
                        </Space>
                      ),
                  },
                ]),
          ]}
        />
        <LoadMore
          hasMore={!!q.hasNextPage}
          loading={q.isFetchingNextPage}
          onMore={() => q.fetchNextPage()}
          count={rows.length}
        />
      </Card>
      {completing && <CompleteDialog task={completing} onClose={() => setCompleting(null)} />}
      {editing && (
        <TaskDialog task={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
      {cancelling && <CancelTaskDialog task={cancelling} onClose={() => setCancelling(null)} />}
    </>
  );
}
