import { App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../../app/errors';
import { resetUserPassword, type User } from './api';

export function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const { message } = App.useApp();
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await resetUserPassword(user.id, v.password);
      message.success(t('admin:users.passwordReset', { name: user.displayName }));
      onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('admin:users.resetPasswordOf', { name: user.displayName })}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="password"
          label={t('common:user.newPassword')}
          extra={t('common:user.passwordRule')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
