// New task / edit an open task (title, kind, customer, assignee, due, description), and cancel one with a reason.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { UserPicker } from '../handover/UserPicker';
import { CustomerPicker } from '../tickets/CustomerPicker';

export type Task = ApiData<'/api/tasks', 'get'>['items'][number];
const KINDS = ['call', 'visit', 'delivery', 'follow_up', 'review', 'other'] as const;

type Values = {
  title: string;
  kind: Task['kind'];
  customerId?: number | null;
  assigneeId?: number | null;
  dueAt?: Dayjs | null;
  description?: string;
};

/** Creates a task (no `task`) or edits an open one; the assignee defaults to me on the server. */
export function TaskDialog(props: { task?: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const showError = useShowError();
  const task = props.task;
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      const common = {
        title: v.title.trim(),
        kind: v.kind,
        dueAt: v.dueAt ? v.dueAt.toISOString() : null,
        description: v.description?.trim() || null,
      };
      if (task)
        return call(
          api.PATCH('/api/tasks/{id}', {
            params: { path: { id: task.id } },
            body: { ...common, ...(v.assigneeId ? { assigneeId: v.assigneeId } : {}), version: task.version },
          }),
        );
      return call(
        api.POST('/api/tasks', {
          body: { ...common, customerId: v.customerId ?? null, assigneeId: v.assigneeId ?? null },
        }),
      );
    },
    onSuccess: () => {
      message.success(t('common:messages.saved'));
      qc.invalidateQueries({ queryKey: ['tasks'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open
      title={t(task ? 'programs:tasks.edit' : 'programs:tasks.new')}
      onCancel={props.onClose}
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      okButtonProps={{ 'data-testid': 'task-save' }}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          task
            ? {
                title: task.title,
                kind: task.kind,
                assigneeId: task.assigneeId,
                dueAt: task.dueAt ? dayjs(task.dueAt) : null,
                description: task.description ?? '',
              }
            : { kind: 'follow_up' }
        }
      >
        <Form.Item name="title" label={t('programs:tasks.task')} rules={required}>
          <Input maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="kind" label={t('programs:tasks.kind')} rules={required}>
          <Select
            data-testid="task-kind"
            options={KINDS.map((k) => ({ value: k, label: t(`programs:taskKinds.${k}`) }))}
          />
        </Form.Item>
        {task ? (
          task.customerName && (
            <Form.Item
              label={t('programs:common.customer')}
            >{`${task.customerName} (${task.customerCode})`}</Form.Item>
          )
        ) : (
          <Form.Item name="customerId" label={t('programs:common.customer')}>
            <CustomerPicker testId="task-customer" />
          </Form.Item>
        )}
        <Form.Item
          name="assigneeId"
          label={t('programs:tasks.assignee')}
          extra={t('programs:tasks.assigneeHint')}
        >
          <UserPicker testId="task-assignee" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="dueAt" label={t('programs:tasks.due')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="task-due" />
        </Form.Item>
        <Form.Item name="description" label={t('programs:tasks.description')}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="task-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Cancels an open task; the reason is kept as its outcome. */
export function CancelTaskDialog(props: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ outcome?: string }>();
  const qc = useQueryClient();
  const showError = useShowError();
  const cancel = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return call(
        api.POST('/api/tasks/{id}/cancel', {
          params: { path: { id: props.task.id } },
          body: { outcome: v.outcome?.trim() || null, version: props.task.version },
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
      title={t('programs:tasks.cancelTitle')}
      onCancel={props.onClose}
      onOk={() => cancel.mutate()}
      confirmLoading={cancel.isPending}
      okText={t('programs:tasks.cancelTask')}
      okButtonProps={{ danger: true, 'data-testid': 'task-cancel-ok' }}
      cancelText={t('common:actions.close')}
    >
      <p>{props.task.title}</p>
      <Form form={form} layout="vertical">
        <Form.Item name="outcome" label={t('programs:tasks.cancelReason')}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="task-cancel-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
