// 拨打: the one button every place an agent calls from (ticket, campaign workspace, callback board). Clicking asks
// the server for the number of THIS call (POST /api/calls/reveal — allowed only for an item the user works, and
// audited there); the dialog shows it large with a tel: link and a copy button, and forgets it when closed.
import { PhoneOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiBody, type ApiData, ApiError, api, call } from '../api/client';
import { useShowError } from '../errors';

export type CallTarget = ApiBody<'/api/calls/reveal', 'post'>;
type CallNumber = ApiData<'/api/calls/reveal', 'post'>;

/** Reasons the server gives under `contact` (no such number, a contact person not of this customer). */
const CONTACT_REASONS = ['NO_NUMBER', 'CONTACT_NOT_OF_CUSTOMER', 'CONTACT_NOT_OF_ITEM'];

export function CallButton(props: {
  target: CallTarget;
  size?: 'small' | 'middle' | 'large';
  type?: 'primary' | 'default' | 'link';
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const [shown, setShown] = useState<CallNumber | null>(null);
  const reveal = useMutation({
    mutationFn: () => call(api.POST('/api/calls/reveal', { body: props.target })),
    onSuccess: (d) => setShown(d),
    onError: (e) => {
      const reason = e instanceof ApiError ? e.fields.contact : undefined;
      if (reason && CONTACT_REASONS.includes(reason)) message.error(t(`calls:reason.${reason}`));
      else showError(e);
    },
  });
  const number = shown?.number ?? '';
  return (
    <>
      <Button
        size={props.size ?? 'small'}
        type={props.type}
        icon={<PhoneOutlined />}
        disabled={props.disabled}
        loading={reveal.isPending}
        onClick={() => reveal.mutate()}
        data-testid="call-button"
      >
        {t('calls:call')}
      </Button>
      <Modal
        open={!!shown}
        title={t('calls:title')}
        onCancel={() => setShown(null)}
        footer={null}
        destroyOnHidden
        width={420}
      >
        {shown && (
          <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="call-dialog">
            <Typography.Text type="secondary">{t(`calls:field.${shown.field}`)}</Typography.Text>
            <Typography.Title
              level={2}
              style={{ margin: 0, letterSpacing: 1 }}
              copyable={{ text: number, tooltips: [t('calls:copy'), t('calls:copied')] }}
            >
              <a href={`tel:${number}`} data-testid="call-number">
                {number}
              </a>
            </Typography.Title>
            <Space>
              <Button type="primary" icon={<PhoneOutlined />} href={`tel:${number}`} data-testid="call-dial">
                {t('calls:dial')}
              </Button>
              <Button
                data-testid="call-copy"
                onClick={() =>
                  navigator.clipboard
                    ?.writeText(number)
                    .then(() => message.success(t('calls:copied')))
                    .catch(() => message.error(t('calls:copyFailed')))
                }
              >
                {t('calls:copy')}
              </Button>
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('calls:audited')}
            </Typography.Text>
          </Space>
        )}
      </Modal>
    </>
  );
}
