// SLA policies: which tickets (type, priority, customer tier), targets and how each counts (working hours; complaint
// acceptance in trading, working or calendar days), warn share, and what happens on the first breach.
import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Switch,
  Table,
  Tag,
} from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { byId } from '../../../app/lookups';
import { queryClient } from '../../../app/session';
import { PageHeader } from '../../../app/ui/PageHeader';
import { ActiveTag } from '../../../app/ui/StatusTag';
import { type Policy, PRIORITIES, TICKET_TYPES, useCalendars, usePolicies, useUserOptions } from '../api';

const dur = (m: number | null, t: TFunction) =>
  m === null
    ? '—'
    : m % 60 === 0
      ? t('tickets:admin.hours', { n: m / 60 })
      : t('tickets:admin.minutes', { n: m });

const ACCEPTANCE_UNITS = ['trading_days', 'working_days', 'calendar_days'] as const;

/** A target's amount with the kind of time it counts (the server says which: `units`). */
const UnitTag = ({ unit }: { unit: string }) => {
  const { t } = useTranslation();
  return (
    <Tag bordered={false} color={unit === 'trading_days' ? 'green' : undefined} data-unit={unit}>
      {t(`calendar:unit.${unit}`)}
    </Tag>
  );
};

export default function SlaPoliciesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm();
  const q = usePolicies();
  const calendars = useCalendars();
  const users = useUserOptions();
  const cal = byId(calendars.data);
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const open = (p: Policy | 'new') => {
    form.resetFields();
    if (p !== 'new') form.setFieldsValue({ ...p, warnShare: Math.round(p.warnShare * 100) });
    setEditing(p);
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = { ...v, warnShare: v.warnShare / 100 };
    try {
      if (editing === 'new') await call(api.POST('/api/sla-policies', { body }));
      else if (editing)
        await call(
          api.PATCH('/api/sla-policies/{id}', {
            params: { path: { id: editing.id } },
            body: { ...body, version: editing.version },
          }),
        );
      await queryClient.invalidateQueries({ queryKey: ['sla-policies'] });
      message.success(t('common:messages.saved'));
      setEditing(null);
    } catch (e) {
      showError(e, form);
    }
  };
  const any = <Tag>{t('tickets:admin.any')}</Tag>;
  return (
    <>
      <PageHeader
        title={t('tickets:menu.slaPolicies')}
        sub={t('tickets:admin.policiesSub')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('tickets:admin.addPolicy')}
          </Button>
        }
      />
      <Card size="small">
        <Table<Policy>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data}
          pagination={false}
          columns={[
            { title: t('tickets:admin.name'), dataIndex: 'name' },
            {
              title: t('tickets:fields.type'),
              dataIndex: 'ticketType',
              render: (x) => (x ? t(`tickets:type.${x}`) : any),
            },
            {
              title: t('tickets:fields.priority'),
              dataIndex: 'priority',
              render: (x) => (x ? t(`tickets:priority.${x}`) : any),
            },
            { title: t('tickets:admin.tier'), dataIndex: 'customerTier', render: (x) => x ?? any },
            {
              title: t('tickets:sla.target.first_response'),
              dataIndex: 'firstResponseMinutes',
              render: (m, p) => (
                <>
                  {dur(m, t)} <UnitTag unit={p.units.first_response} />
                </>
              ),
            },
            {
              title: t('tickets:sla.target.onsite'),
              dataIndex: 'onsiteMinutes',
              render: (m, p) =>
                m === null ? (
                  '—'
                ) : (
                  <>
                    {dur(m, t)} <UnitTag unit={p.units.onsite} />
                  </>
                ),
            },
            {
              title: t('tickets:sla.target.resolution'),
              dataIndex: 'resolutionMinutes',
              render: (m, p) => (
                <>
                  {dur(m, t)} <UnitTag unit={p.units.resolution} />
                </>
              ),
            },
            {
              title: t('tickets:sla.target.acceptance'),
              dataIndex: 'acceptanceDays',
              // A complaint without a policy value is accepted within 3 trading days (the rule's default).
              render: (d, p) => (
                <span data-testid={`acceptance-${p.id}`}>
                  {t(`calendar:unitCount.${p.units.acceptance}`, { n: d ?? 3 })}{' '}
                  <UnitTag unit={p.units.acceptance} />
                </span>
              ),
            },
            {
              title: t('tickets:admin.warnShare'),
              dataIndex: 'warnShare',
              render: (w) => `${Math.round(w * 100)}%`,
            },
            {
              title: t('tickets:admin.calendar'),
              dataIndex: 'calendarId',
              render: (id) => (id ? cal.get(id)?.name : t('tickets:admin.defaultCalendar')),
            },
            {
              title: t('tickets:admin.escalation'),
              render: (_, p) => (
                <>
                  {p.breachRaisePriority && <Tag color="orange">{t('tickets:admin.raisePriority')}</Tag>}
                  {p.breachReassignToId && <Tag color="red">{t('tickets:admin.reassign')}</Tag>}
                </>
              ),
            },
            {
              title: t('tickets:admin.active'),
              dataIndex: 'active',
              render: (a) => <ActiveTag active={a} />,
            },
            {
              title: t('common:actions.title'),
              render: (_, p) => (
                <Button size="small" onClick={() => open(p)}>
                  {t('common:actions.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!editing}
        title={t('tickets:menu.slaPolicies')}
        onCancel={() => setEditing(null)}
        onOk={save}
        width={720}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            warnShare: 75,
            active: true,
            breachRaisePriority: false,
            acceptanceUnit: 'trading_days',
          }}
        >
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="name" label={t('tickets:admin.name')} rules={[{ required: true }]}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="calendarId" label={t('tickets:admin.calendar')}>
                <Select
                  allowClear
                  placeholder={t('tickets:admin.defaultCalendar')}
                  options={(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="ticketType" label={t('tickets:fields.type')}>
                <Select
                  allowClear
                  placeholder={t('tickets:admin.any')}
                  options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tickets:type.${x}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="priority" label={t('tickets:fields.priority')}>
                <Select
                  allowClear
                  placeholder={t('tickets:admin.any')}
                  options={PRIORITIES.map((x) => ({ value: x, label: t(`tickets:priority.${x}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="customerTier" label={t('tickets:admin.tier')}>
                <Input placeholder={t('tickets:admin.any')} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name="firstResponseMinutes"
                label={t('tickets:admin.firstResponseMin')}
                rules={[{ required: true }]}
              >
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="onsiteMinutes" label={t('tickets:admin.onsiteMin')}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name="resolutionMinutes"
                label={t('tickets:admin.resolutionMin')}
                rules={[{ required: true }]}
              >
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="acceptanceDays" label={t('calendar:policy.acceptanceDays')}>
                <InputNumber min={1} max={60} placeholder="3" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="acceptanceUnit" label={t('calendar:policy.acceptanceUnit')}>
                <Select
                  options={ACCEPTANCE_UNITS.map((u) => ({ value: u, label: t(`calendar:unit.${u}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="warnShare" label={t('tickets:admin.warnSharePct')}>
                <InputNumber min={5} max={99} addonAfter="%" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name="breachRaisePriority"
                label={t('tickets:admin.raisePriority')}
                valuePropName="checked"
              >
                <Switch />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="breachReassignToId" label={t('tickets:admin.reassign')}>
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="active" label={t('tickets:admin.active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </>
  );
}
