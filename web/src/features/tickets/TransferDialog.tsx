// Move the work (内转外不转) to a person, team or department, with a required reason; the owner stays.
import { Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../app/errors';
import { useDepartments, useTeams } from '../../app/lookups';
import { type Ticket, transferTicket, useUserOptions } from './api';

type Kind = 'user' | 'team' | 'department';

export function TransferDialog(props: {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
  onConflict: (e: unknown) => boolean;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const showError = useShowError();
  const [kind, setKind] = useState<Kind>('department');
  const [saving, setSaving] = useState(false);
  const users = useUserOptions();
  const teams = useTeams();
  const departments = useDepartments();
  const options =
    kind === 'user'
      ? (users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))
      : kind === 'team'
        ? (teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))
        : (departments.data ?? []).map((x) => ({ value: x.id, label: x.name }));
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await transferTicket(props.ticket.id, {
        version: props.ticket.version,
        toUserId: kind === 'user' ? v.target : null,
        toTeamId: kind === 'team' ? v.target : null,
        toDepartmentId: kind === 'department' ? v.target : null,
        reason: v.reason,
      });
      form.resetFields();
      props.onDone();
    } catch (e) {
      if (!props.onConflict(e)) showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('tickets:transfer.title')}
      onCancel={props.onClose}
      onOk={submit}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'transfer-submit' } as Record<string, string>}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item label={t('tickets:transfer.to')}>
          <Radio.Group
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              form.setFieldValue('target', undefined);
            }}
            optionType="button"
            data-testid="transfer-kind"
            options={(['user', 'team', 'department'] as const).map((k) => ({
              value: k,
              label: t(`tickets:transfer.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="target"
          label={t(`tickets:transfer.kinds.${kind}`)}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Select showSearch optionFilterProp="label" options={options} data-testid="transfer-target" />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('tickets:transfer.reason')}
          rules={[{ required: true, whitespace: true, message: t('tickets:transfer.reasonRequired') }]}
        >
          <Input.TextArea rows={3} data-testid="transfer-reason" maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
