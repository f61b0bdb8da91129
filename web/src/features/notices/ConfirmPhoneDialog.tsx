// Records that the customer confirmed by phone (or at the counter); the server names the caller as the recorder.
import { Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Notice, useConfirmByPhone } from './api';

export function ConfirmPhoneDialog(props: { notice: Notice; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note?: string }>();
  const save = useConfirmByPhone(props.onClose);
  return (
    <Modal
      open
      title={`${t('notices:confirm.title')} · ${props.notice.customerName}`}
      onCancel={props.onClose}
      okText={t('notices:confirm.submit')}
      onOk={async () => {
        const v = await form.validateFields();
        save.mutate({ id: props.notice.id, note: v.note?.trim() || null });
      }}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'confirm-phone-ok' }}
    >
      <Typography.Paragraph type="secondary">{t('notices:confirm.hint')}</Typography.Paragraph>
      <Typography.Paragraph strong>{props.notice.title}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="note" label={t('notices:fields.note')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={3} placeholder={t('notices:confirm.note')} data-testid="confirm-phone-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
