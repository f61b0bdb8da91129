import { App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useShowError } from '../errors';

type Values = { currentPassword: string; newPassword: string; confirm: string };

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const { message } = App.useApp();

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await call(
        api.POST('/api/me/password', {
          body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
        }),
      );
      message.success(t('common:user.passwordChanged'));
      form.resetFields();
      onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t('common:user.changePassword')}
      open={open}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="currentPassword"
          label={t('common:user.currentPassword')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('common:user.newPassword')}
          extra={t('common:user.passwordRule')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('common:user.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('common:validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, v) =>
                !v || v === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('common:user.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
