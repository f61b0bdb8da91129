// 风险通知: the notices of my branches, the unconfirmed first (red once past their deadline); send new ones, chase
// the unconfirmed (send again), record a confirmation the customer gave by phone.
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Popconfirm, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { type Notice, useResend } from './api';
import { ConfirmPhoneDialog } from './ConfirmPhoneDialog';
import { NoticeChannels, NoticeStatus } from './labels';
import { SendNoticeDialog } from './SendNoticeDialog';

type View = 'all' | 'sent' | 'overdue' | 'confirmed';

export default function NoticesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [view, setView] = useState<View>('all');
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState<Notice | null>(null);
  const resend = useResend();
  const q = useQuery({
    queryKey: ['notices', 'list', view],
    // The SMS and email legs and the customers' own confirmations change while the list is open.
    refetchInterval: 30_000,
    queryFn: () =>
      call(
        api.GET('/api/notices', {
          params: {
            query: { order: 'open_first', limit: 200, ...(view === 'all' ? {} : { status: view }) },
          },
        }),
      ),
  });
  return (
    <>
      <PageHeader
        title={t('notices:list.title')}
        sub={t('notices:list.sub')}
        extra={
          can('notice.send') && (
            <Button type="primary" onClick={() => setSending(true)} data-testid="send-notice">
              {t('notices:list.send')}
            </Button>
          )
        }
      />
      <Tabs
        activeKey={view}
        onChange={(k) => setView(k as View)}
        items={(['all', 'sent', 'overdue', 'confirmed'] as const).map((k) => ({
          key: k,
          label: t(`notices:list.view.${k}`),
        }))}
      />
      <Table<Notice>
        rowKey="id"
        data-testid="notices-table"
        loading={q.isLoading}
        dataSource={q.data ?? []}
        pagination={false}
        locale={{ emptyText: t('notices:list.empty') }}
        onRow={(r) => ({
          'data-testid': `notice-${r.id}`,
          style: r.overdue ? { background: '#fff1f0' } : undefined,
        })}
        columns={[
          {
            title: t('notices:fields.customer'),
            render: (_, r) => (
              <Flex vertical>
                <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.customerCode}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('notices:fields.title'),
            render: (_, r) => (
              <Flex vertical>
                <Link to={`/outreach/notices/${r.id}`}>{r.title}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`notices:kind.${r.kind}`)}
                </Typography.Text>
              </Flex>
            ),
          },
          { title: t('notices:fields.channels'), render: (_, r) => <NoticeChannels n={r} /> },
          { title: t('notices:fields.status'), render: (_, r) => <NoticeStatus n={r} /> },
          {
            title: t('notices:fields.sentAt'),
            render: (_, r) => (
              <Flex vertical>
                <span>{fmtDateTime(r.createdAt)}</span>
                {r.sentByName && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.sentByName}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            title: t('notices:fields.dueAt'),
            render: (_, r) => (
              <Typography.Text type={r.overdue ? 'danger' : undefined}>
                {fmtDateTime(r.dueAt)}
              </Typography.Text>
            ),
          },
          {
            title: '',
            render: (_, r) =>
              r.status === 'sent' && (
                <Flex gap={4} wrap>
                  {can('notice.send') && (
                    <Popconfirm
                      title={t('notices:actions.resendConfirm')}
                      onConfirm={() => resend.mutateAsync(r.id)}
                      okButtonProps={{ 'data-testid': 'resend-ok' }}
                    >
                      <Button size="small" data-testid="resend">
                        {t('notices:actions.resend')}
                      </Button>
                    </Popconfirm>
                  )}
                  {can('notice.confirm_phone') && (
                    <Button size="small" onClick={() => setConfirming(r)} data-testid="confirm-phone">
                      {t('notices:actions.confirmPhone')}
                    </Button>
                  )}
                </Flex>
              ),
          },
        ]}
      />
      {sending && <SendNoticeDialog onClose={() => setSending(false)} />}
      {confirming && <ConfirmPhoneDialog notice={confirming} onClose={() => setConfirming(null)} />}
    </>
  );
}
