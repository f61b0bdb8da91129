// How a notice's state and its channels read: unconfirmed (red once past its deadline), confirmed and how.
import { Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Notice } from './api';

export function NoticeStatus({ n }: { n: Notice }) {
  const { t } = useTranslation();
  if (n.status === 'confirmed')
    return (
      <Flex vertical gap={2} data-testid="notice-status">
        <span>
          <Tag color="green">{t('notices:status.confirmed')}</Tag>
        </span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {n.confirmedVia === 'phone'
            ? t('notices:status.byPhone', { name: n.confirmedBy?.displayName ?? '' })
            : t('notices:status.byLink')}
        </Typography.Text>
      </Flex>
    );
  return (
    <Flex vertical gap={2} data-testid="notice-status">
      <span>
        <Tag color={n.overdue ? 'red' : 'orange'}>
          {t(n.overdue ? 'notices:status.overdue' : 'notices:status.sent')}
        </Tag>
      </span>
      {n.resendCount > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('notices:status.resent', { count: n.resendCount })}
        </Typography.Text>
      )}
    </Flex>
  );
}

/** 短信 · 已发出, 邮件 · 待发送: each channel with the state of its latest leg. */
export function NoticeChannels({ n }: { n: Notice }) {
  const { t } = useTranslation();
  const legOf = (c: string) => (c === 'sms' ? n.smsStatus : c === 'email' ? n.emailStatus : null);
  return (
    <Flex vertical gap={2}>
      {n.channels.map((c) => {
        const leg = legOf(c);
        return (
          <span key={c} style={{ whiteSpace: 'nowrap' }}>
            {t(`notices:channel.${c}`, { defaultValue: c })}
            {leg && (
              <Typography.Text
                type={leg === 'failed' || leg === 'undelivered' ? 'danger' : 'secondary'}
                style={{ fontSize: 12 }}
              >
                {' · '}
                {t(`notices:leg.${leg}`, { defaultValue: leg })}
              </Typography.Text>
            )}
          </span>
        );
      })}
    </Flex>
  );
}
