// 回转: the department returns the work to the first-contact owner with its answer; the owner is notified and
// answers the customer (内转外不转).
import { Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../app/errors';
import { handBack, type Ticket } from './api';

export function HandBackDialog(props: {
  ticket: Ticket;
  ownerLabel: string;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
  onConflict: (e: unknown) => boolean;
}) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ answer: string }>();
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await handBack(props.ticket.id, { version: props.ticket.version, answer: v.answer });
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
      title={t('tickets:handBack.title')}
      open={props.open}
      onCancel={props.onClose}
      onOk={submit}
      okText={t('tickets:handBack.submit')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'hand-back-submit' } as Record<string, string>}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('tickets:handBack.answerHint', { owner: props.ownerLabel })}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="answer"
          label={t('tickets:handBack.answer')}
          rules={[{ required: true, whitespace: true, message: t('tickets:handBack.answerRequired') }]}
        >
          <Input.TextArea rows={5} maxLength={4000} data-testid="hand-back-answer" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
