// One visit: what, when, for whom; check in (签到) with the browser's location, or without when it gives none;
// complete with findings and follow-up tasks; cancel with a reason.
import { EnvironmentOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { refreshVisits, type Visit, visitsKey, windowText } from './api';
import { locate, type NoLocation } from './geolocation';
import { ManagerSelect } from './ManagerSelect';
import { VisitStatusTag } from './VisitStatusTag';

function CompleteDialog(props: { visit: Visit; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const showError = useShowError();
  const can = useCan();
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const followUps = ((v.followUps ?? []) as { title?: string; dueAt?: Dayjs; assigneeId?: number }[])
        .filter((f) => f?.title?.trim())
        .map((f) => ({
          title: f.title as string,
          dueAt: f.dueAt ? f.dueAt.format() : null,
          assigneeId: f.assigneeId ?? null,
        }));
      const r = await call(
        api.POST('/api/visits/{id}/complete', {
          params: { path: { id: props.visit.id } },
          body: { findings: v.findings, followUps },
        }),
      );
      await refreshVisits();
      message.success(t('visits:complete.saved', { count: r.followUpTaskIds.length }));
      props.onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      width={640}
      title={`${t('visits:complete.title')} · ${props.visit.customerName}`}
      onCancel={props.onClose}
      onOk={submit}
      okText={t('visits:complete.ok')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'visit-complete-ok' } as Record<string, string>}
    >
      <Form form={form} layout="vertical" initialValues={{ followUps: [] }}>
        <Form.Item
          name="findings"
          label={t('visits:fields.findings')}
          rules={[{ required: true, whitespace: true, max: 8000 }]}
        >
          <Input.TextArea
            rows={4}
            placeholder={t('visits:complete.findingsHint')}
            data-testid="visit-findings"
          />
        </Form.Item>
        {can('task.write') && (
          <Form.List name="followUps">
            {(fields, { add, remove }) => (
              <>
                <Typography.Text strong>{t('visits:fields.followUps')}</Typography.Text>
                {fields.map((f) => (
                  <Flex key={f.key} gap={8} align="start" style={{ marginTop: 8 }}>
                    <Form.Item
                      name={[f.name, 'title']}
                      rules={[{ required: true, whitespace: true, max: 200 }]}
                      style={{ flex: 2, marginBottom: 0 }}
                    >
                      <Input
                        placeholder={t('visits:complete.taskTitle')}
                        data-testid="visit-followup-title"
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'dueAt']} style={{ flex: 1, marginBottom: 0 }}>
                      <DatePicker
                        showTime={{ format: 'HH:mm' }}
                        format="YYYY-MM-DD HH:mm"
                        placeholder={t('visits:complete.dueAt')}
                        style={{ width: '100%' }}
                        data-testid="visit-followup-due"
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'assigneeId']} style={{ flex: 1, marginBottom: 0 }}>
                      <ManagerSelect
                        width="100%"
                        testId="visit-followup-assignee"
                        placeholder={t('visits:complete.assignee')}
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={t('visits:complete.removeTask')}
                      onClick={() => remove(f.name)}
                    />
                  </Flex>
                ))}
                <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
                  {t('visits:complete.assigneeHint')}
                </Typography.Paragraph>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ title: '' })}
                  data-testid="visit-add-followup"
                >
                  {t('visits:complete.addTask')}
                </Button>
              </>
            )}
          </Form.List>
        )}
      </Form>
    </Modal>
  );
}

function CancelDialog(props: { visit: Visit; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const showError = useShowError();
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await call(
        api.POST('/api/visits/{id}/cancel', {
          params: { path: { id: props.visit.id } },
          body: { reason: v.reason?.trim() || null },
        }),
      );
      await refreshVisits();
      message.success(t('visits:cancel.saved'));
      props.onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('visits:cancel.title')} · ${props.visit.customerName}`}
      onCancel={props.onClose}
      onOk={submit}
      okText={t('visits:cancel.ok')}
      okButtonProps={{ danger: true, ...({ 'data-testid': 'visit-cancel-ok' } as Record<string, string>) }}
      confirmLoading={saving}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('visits:cancel.reason')}
          rules={[{ required: true, whitespace: true, max: 500 }]}
        >
          <Input.TextArea rows={3} data-testid="visit-cancel-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function VisitDrawer(props: { visitId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const can = useCan();
  const showError = useShowError();
  const [dialog, setDialog] = useState<'complete' | 'cancel' | null>(null);
  const [checking, setChecking] = useState(false);
  const [noLocation, setNoLocation] = useState<NoLocation | null>(null);
  const q = useQuery({
    queryKey: [...visitsKey, 'one', props.visitId],
    queryFn: () => call(api.GET('/api/visits/{id}', { params: { path: { id: props.visitId } } })),
  });
  const v = q.data;
  const send = async (body: { lat?: number; lng?: number; accuracy?: number }) => {
    await call(api.POST('/api/visits/{id}/check-in', { params: { path: { id: props.visitId } }, body }));
    await refreshVisits();
    message.success(
      body.lat != null
        ? t('visits:checkIn.savedAt', { accuracy: body.accuracy })
        : t('visits:checkIn.savedNoLocation'),
    );
  };
  const checkIn = async () => {
    setChecking(true);
    setNoLocation(null);
    try {
      const where = await locate();
      if (typeof where === 'string') {
        setNoLocation(where);
        modal.confirm({
          title: t('visits:checkIn.noLocationTitle'),
          content: `${t(`visits:checkIn.why.${where}`)} ${t('visits:checkIn.askWithout')}`,
          okText: t('visits:checkIn.without'),
          cancelText: t('visits:checkIn.notNow'),
          okButtonProps: { 'data-testid': 'visit-checkin-without' } as Record<string, string>,
          onOk: () => send({}).catch((e) => showError(e)),
        });
      } else await send(where);
    } catch (e) {
      showError(e);
    } finally {
      setChecking(false);
    }
  };
  const open = v && (v.status === 'planned' || v.status === 'checked_in');
  return (
    <Drawer
      open
      size={520}
      title={t('visits:detail.title')}
      onClose={props.onClose}
      loading={q.isLoading}
      data-testid="visit-drawer"
      extra={v && <VisitStatusTag visit={v} />}
      footer={
        open && can('visit.write') ? (
          <Flex gap={8} wrap>
            {v.status === 'planned' && (
              <Button
                type="primary"
                icon={<EnvironmentOutlined />}
                loading={checking}
                onClick={checkIn}
                data-testid="visit-check-in"
              >
                {checking ? t('visits:checkIn.locating') : t('visits:checkIn.button')}
              </Button>
            )}
            <Button
              type={v.status === 'checked_in' ? 'primary' : 'default'}
              onClick={() => setDialog('complete')}
              data-testid="visit-complete"
            >
              {t('visits:complete.button')}
            </Button>
            <Button danger onClick={() => setDialog('cancel')} data-testid="visit-cancel">
              {t('visits:cancel.button')}
            </Button>
          </Flex>
        ) : null
      }
    >
      {v && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {v.overdue && (
            <Alert
              type="error"
              showIcon
              title={t(
                v.status === 'checked_in' ? 'visits:detail.overdueCheckedIn' : 'visits:detail.overdue',
              )}
            />
          )}
          {noLocation && v.status === 'planned' && (
            <Alert type="warning" showIcon title={t(`visits:checkIn.why.${noLocation}`)} />
          )}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('visits:fields.customer')}>
              <Link to={`/customers/${v.customerId}`}>
                {v.customerName} ({v.customerCode})
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('visits:fields.purpose')}>{v.purpose}</Descriptions.Item>
            <Descriptions.Item label={t('visits:fields.date')}>
              {v.plannedDate} {windowText(v)}
            </Descriptions.Item>
            <Descriptions.Item label={t('visits:fields.manager')}>{v.managerName}</Descriptions.Item>
            <Descriptions.Item label={t('visits:fields.checkedInAt')}>
              {v.checkedInAt ? (
                <span data-testid="visit-checked-in-at">
                  {fmtDateTime(v.checkedInAt)}{' '}
                  {v.checkInLocation ? (
                    <Tag icon={<EnvironmentOutlined />} color="green" data-testid="visit-location">
                      {v.checkInLocation.lat.toFixed(5)}, {v.checkInLocation.lng.toFixed(5)}
                      {v.checkInLocation.accuracy != null && ` ±${Math.round(v.checkInLocation.accuracy)} m`}
                    </Tag>
                  ) : (
                    <Tag>{t('visits:checkIn.noLocation')}</Tag>
                  )}
                </span>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            {v.status === 'done' && (
              <>
                <Descriptions.Item label={t('visits:fields.completedAt')}>
                  {fmtDateTime(v.completedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('visits:fields.findings')}>
                  <Typography.Paragraph
                    style={{ whiteSpace: 'pre-wrap', margin: 0 }}
                    data-testid="visit-findings-text"
                  >
                    {v.findings}
                  </Typography.Paragraph>
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
          {v.status === 'done' && <Link to="/programs/tasks">{t('visits:detail.tasks')}</Link>}
        </Space>
      )}
      {v && dialog === 'complete' && <CompleteDialog visit={v} onClose={() => setDialog(null)} />}
      {v && dialog === 'cancel' && <CancelDialog visit={v} onClose={() => setDialog(null)} />}
    </Drawer>
  );
}
