// One risk notice: what was sent to whom, its state, and its story (sent, each SMS and email leg, delivery, chase,
// resends, the confirmation and who recorded it). The customer's confirm link is never here: the server keeps it.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Flex, Popconfirm, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { type NoticeEvent, useResend } from './api';
import { ConfirmPhoneDialog } from './ConfirmPhoneDialog';
import { NoticeChannels, NoticeStatus } from './labels';

const channelsText = (t: TFunction, cs: string[] | null) =>
  (cs ?? []).map((c) => t(`notices:channel.${c}`, { defaultValue: c })).join('、');

function eventText(t: TFunction, e: NoticeEvent) {
  const by = e.by?.displayName ?? t('notices:event.system');
  switch (e.kind) {
    case 'sent':
      return t('notices:event.sent', { by, channels: channelsText(t, e.channels) });
    case 'resent':
      return t('notices:event.resent', { by, n: e.attempt, channels: channelsText(t, e.channels) });
    case 'sms':
      return t(`notices:event.sms.${e.status}`, { to: e.mobile ?? '', defaultValue: e.status ?? '' });
    case 'sms_report':
      return t(`notices:event.sms_report.${e.status}`, { defaultValue: e.status ?? '' });
    case 'email':
      return t(`notices:event.email.${e.status}`, { to: e.email ?? '', defaultValue: e.status ?? '' });
    case 'chased':
      return t('notices:event.chased');
    case 'confirmed':
      return e.via === 'phone' ? t('notices:event.confirmedPhone', { by }) : t('notices:event.confirmedLink');
  }
}

const eventColor = (e: NoticeEvent) =>
  e.kind === 'confirmed'
    ? 'green'
    : e.status === 'failed' || e.status === 'undelivered'
      ? 'red'
      : e.kind === 'chased' || e.kind === 'resent'
        ? 'orange'
        : 'blue';

export default function NoticePage() {
  const { t } = useTranslation();
  const can = useCan();
  const id = Number(useParams().id);
  const [confirming, setConfirming] = useState(false);
  const resend = useResend();
  const n = useQuery({
    queryKey: ['notices', 'one', id],
    queryFn: () => call(api.GET('/api/notices/{id}', { params: { path: { id } } })),
  });
  const story = useQuery({
    queryKey: ['notices', 'timeline', id],
    queryFn: () => call(api.GET('/api/notices/{id}/timeline', { params: { path: { id } } })),
  });
  const notice = n.data;
  return (
    <>
      <PageHeader
        title={notice ? notice.title : t('notices:detail.title')}
        sub={<Link to="/outreach/notices">{t('notices:detail.back')}</Link>}
        extra={
          notice?.status === 'sent' && (
            <>
              {can('notice.send') && (
                <Popconfirm
                  title={t('notices:actions.resendConfirm')}
                  onConfirm={() => resend.mutateAsync(id)}
                  okButtonProps={{ 'data-testid': 'resend-ok' }}
                >
                  <Button data-testid="resend">{t('notices:actions.resend')}</Button>
                </Popconfirm>
              )}
              {can('notice.confirm_phone') && (
                <Button type="primary" onClick={() => setConfirming(true)} data-testid="confirm-phone">
                  {t('notices:actions.confirmPhone')}
                </Button>
              )}
            </>
          )
        }
      />
      {notice && (
        <Flex gap={16} align="start" wrap>
          <Card style={{ flex: '2 1 480px' }} loading={n.isLoading}>
            <Descriptions column={2} size="small">
              <Descriptions.Item label={t('notices:fields.customer')}>
                <Link to={`/customers/${notice.customerId}`}>
                  {notice.customerName} · {notice.customerCode}
                </Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('notices:fields.kind')}>
                {t(`notices:kind.${notice.kind}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('notices:fields.status')}>
                <NoticeStatus n={notice} />
              </Descriptions.Item>
              <Descriptions.Item label={t('notices:fields.channels')}>
                <NoticeChannels n={notice} />
              </Descriptions.Item>
              <Descriptions.Item label={t('notices:fields.sentAt')}>
                {fmtDateTime(notice.createdAt)} {notice.sentByName ?? ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('notices:fields.dueAt')}>
                <Typography.Text type={notice.overdue ? 'danger' : undefined}>
                  {fmtDateTime(notice.dueAt)}
                </Typography.Text>
              </Descriptions.Item>
              {notice.confirmNote && (
                <Descriptions.Item label={t('notices:fields.note')} span={2}>
                  {notice.confirmNote}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('notices:fields.body')} span={2}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                  {notice.body}
                </Typography.Paragraph>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card
            title={t('notices:detail.timeline')}
            style={{ flex: '1 1 340px' }}
            loading={story.isLoading}
            data-testid="notice-timeline"
          >
            <Timeline
              items={(story.data ?? []).map((e) => ({
                color: eventColor(e),
                children: (
                  <Flex vertical>
                    <span>{eventText(t, e)}</span>
                    {e.note && <Typography.Text type="secondary">{e.note}</Typography.Text>}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {fmtDateTime(e.at)}
                    </Typography.Text>
                  </Flex>
                ),
              }))}
            />
          </Card>
        </Flex>
      )}
      {confirming && notice && <ConfirmPhoneDialog notice={notice} onClose={() => setConfirming(false)} />}
    </>
  );
}
