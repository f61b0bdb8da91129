// The complaint section: acceptance decision (deadline; reason when not accepted), resolution, compensation, the
// customer's acceptance, root cause (category + text) and corrective actions (owner, due date, completion).
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Table,
  Tag,
  TreeSelect,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../app/errors';
import {
  addAction,
  personLabel,
  type TicketDetail,
  toTree,
  updateAction,
  updateComplaint,
  useRootCauseCategories,
  useUserOptions,
} from './api';
import { SlaTag } from './labels';

const tri = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : undefined);
const fromTri = (v: string | undefined) => (v === 'yes' ? true : v === 'no' ? false : undefined);

export function ComplaintCard(props: {
  detail: TicketDetail;
  canWrite: boolean;
  onSaved: () => void;
  onConflict: (e: unknown) => boolean;
}) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const showError = useShowError();
  const { ticket, correctiveActions } = props.detail;
  const c = ticket.complaint;
  const [form] = Form.useForm();
  const [actionForm] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const accepted = Form.useWatch('accepted', form);
  const roots = useRootCauseCategories();
  const users = useUserOptions();
  if (!c) return null;
  const acceptance = ticket.sla.find((s) => s.target === 'acceptance');
  // Saving confirms first and says what becomes read-only: the acceptance decision is final, its clock stops.
  const save = async () => {
    const v = await form.validateFields();
    const deciding = c.accepted === null && fromTri(v.accepted) !== undefined;
    modal.confirm({
      title: t('tickets:complaint.confirmTitle'),
      content: deciding
        ? t('tickets:complaint.confirmDecision', {
            decision:
              v.accepted === 'yes' ? t('tickets:complaint.acceptYes') : t('tickets:complaint.acceptNo'),
          })
        : t('tickets:complaint.confirmPlain'),
      okButtonProps: { 'data-testid': 'complaint-save-confirm' } as Record<string, string>,
      onOk: () => doSave(v),
    });
  };
  const doSave = async (v: Record<string, any>) => {
    setSaving(true);
    try {
      await updateComplaint(ticket.id, {
        version: ticket.version,
        accepted: c.accepted === null ? fromTri(v.accepted) : undefined,
        notAcceptedReason: v.accepted === 'no' && c.accepted === null ? v.notAcceptedReason : undefined,
        resolution: v.resolution ?? null,
        compensationAmount: v.compensationAmount ?? null,
        compensationNote: v.compensationNote ?? null,
        customerAccepted: fromTri(v.customerAccepted) ?? null,
        rootCauseCategoryId: v.rootCauseCategoryId ?? null,
        rootCauseText: v.rootCauseText ?? null,
        regulatorRef: v.regulatorRef ?? null,
      });
      props.onSaved();
    } catch (e) {
      if (!props.onConflict(e)) showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  const add = async () => {
    const v = await actionForm.validateFields();
    try {
      await addAction(ticket.id, {
        description: v.description,
        ownerId: v.ownerId,
        dueDate: v.dueDate.format('YYYY-MM-DD'),
      });
      actionForm.resetFields();
      props.onSaved();
    } catch (e) {
      showError(e, actionForm);
    }
  };
  return (
    <Card title={t('tickets:complaint.title')} size="small" data-testid="complaint-card">
      <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('tickets:complaint.severity')}>
          {t(`tickets:complaint.severities.${c.severity}`, { defaultValue: c.severity })}
        </Descriptions.Item>
        <Descriptions.Item label={t('tickets:complaint.source')}>
          <Tag color={c.source === 'regulator_hotline' ? 'red' : undefined}>
            {t(`tickets:complaint.sources.${c.source}`, { defaultValue: c.source })}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('tickets:complaint.acceptanceDue')}>
          {acceptance?.dueAt ? dayjs(acceptance.dueAt).format('YYYY-MM-DD HH:mm') : '—'}{' '}
          {acceptance && <SlaTag state={acceptance.state} />}
        </Descriptions.Item>
      </Descriptions>
      {ticket.status !== 'resolved' &&
        ticket.status !== 'closed' &&
        (c.accepted === null || c.rootCauseCategoryId === null) && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="complaint-resolve-needs"
            message={t('tickets:complaint.resolveNeeds')}
          />
        )}
      <Form
        form={form}
        layout="vertical"
        disabled={!props.canWrite}
        initialValues={{
          accepted: tri(c.accepted),
          notAcceptedReason: c.notAcceptedReason,
          resolution: c.resolution,
          compensationAmount: c.compensationAmount === null ? undefined : Number(c.compensationAmount),
          compensationNote: c.compensationNote,
          customerAccepted: tri(c.customerAccepted),
          rootCauseCategoryId: c.rootCauseCategoryId ?? undefined,
          rootCauseText: c.rootCauseText,
          regulatorRef: c.regulatorRef,
        }}
        key={ticket.version}
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="accepted" label={t('tickets:complaint.accepted')}>
              <Select
                allowClear
                disabled={c.accepted !== null}
                data-testid="complaint-accepted"
                options={[
                  { value: 'yes', label: t('tickets:complaint.acceptYes') },
                  { value: 'no', label: t('tickets:complaint.acceptNo') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={16}>
            {(accepted === 'no' || c.accepted === false) && (
              <Form.Item
                name="notAcceptedReason"
                label={t('tickets:complaint.notAcceptedReason')}
                rules={[{ required: true, message: t('common:validation.required') }]}
              >
                <Input disabled={c.accepted !== null} />
              </Form.Item>
            )}
            {c.acceptanceDecidedAt && (
              <div style={{ color: '#888' }} data-testid="complaint-decided">
                {t('tickets:complaint.readOnlyDecision')} ·{' '}
                {t('tickets:complaint.decidedAt', {
                  at: dayjs(c.acceptanceDecidedAt).format('YYYY-MM-DD HH:mm'),
                })}
              </div>
            )}
          </Col>
          <Col span={24}>
            <Form.Item name="resolution" label={t('tickets:complaint.resolution')}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="compensationAmount" label={t('tickets:complaint.compensationAmount')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="compensationNote" label={t('tickets:complaint.compensationNote')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="customerAccepted" label={t('tickets:complaint.customerAccepted')}>
              <Select
                allowClear
                options={[
                  { value: 'yes', label: t('tickets:complaint.customerYes') },
                  { value: 'no', label: t('tickets:complaint.customerNo') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="rootCauseCategoryId" label={t('tickets:complaint.rootCause')}>
              <TreeSelect
                allowClear
                treeDefaultExpandAll
                treeData={toTree(roots.data)}
                data-testid="complaint-root-cause"
              />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="rootCauseText" label={t('tickets:complaint.rootCauseText')}>
              <Input data-testid="complaint-root-cause-text" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="regulatorRef" label={t('tickets:complaint.regulatorRef')}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        {props.canWrite && (
          <Button type="primary" onClick={save} loading={saving} data-testid="complaint-save">
            {t('common:actions.save')}
          </Button>
        )}
      </Form>
      <h4 style={{ marginTop: 16 }}>{t('tickets:complaint.actions')}</h4>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={correctiveActions}
        columns={[
          { title: t('tickets:complaint.actionDescription'), dataIndex: 'description' },
          {
            title: t('tickets:complaint.actionOwner'),
            dataIndex: 'ownerId',
            width: 110,
            render: (id) => personLabel(props.detail, id) ?? '—',
          },
          {
            title: t('tickets:complaint.actionDue'),
            dataIndex: 'dueDate',
            width: 120,
            render: (d, r) => (
              <>
                {d} {r.late && <Tag color="red">{t('tickets:complaint.late')}</Tag>}
              </>
            ),
          },
          {
            title: t('tickets:complaint.actionDone'),
            dataIndex: 'completedAt',
            width: 160,
            render: (at, r) => (
              <Checkbox
                checked={!!at}
                disabled={!props.canWrite}
                onChange={async (e) => {
                  try {
                    await updateAction(ticket.id, r.id, { completed: e.target.checked });
                    props.onSaved();
                  } catch (err) {
                    showError(err);
                  }
                }}
              >
                {at ? dayjs(at).format('MM-DD HH:mm') : ''}
              </Checkbox>
            ),
          },
        ]}
      />
      {props.canWrite && (
        <Form form={actionForm} layout="inline" style={{ marginTop: 8, rowGap: 8 }}>
          <Form.Item name="description" rules={[{ required: true, message: '' }]}>
            <Input placeholder={t('tickets:complaint.actionDescription')} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="ownerId" rules={[{ required: true, message: '' }]}>
            <Select
              showSearch
              optionFilterProp="label"
              placeholder={t('tickets:complaint.actionOwner')}
              style={{ width: 140 }}
              options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
            />
          </Form.Item>
          <Form.Item name="dueDate" rules={[{ required: true, message: '' }]}>
            <DatePicker placeholder={t('tickets:complaint.actionDue')} />
          </Form.Item>
          <Button onClick={add}>{t('tickets:complaint.addAction')}</Button>
        </Form>
      )}
    </Card>
  );
}
