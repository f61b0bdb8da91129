// The notices table of the list page and of the customer's 风险通知 tab: state, channel legs, deadline; chase
// (send again) and record a confirmation taken by phone from the row.
import { Button, Flex, Popconfirm, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { type Notice, useResend } from './api';
import { ConfirmPhoneDialog } from './ConfirmPhoneDialog';
import { NoticeChannels, NoticeStatus } from './labels';

export function NoticesTable(props: { rows: Notice[]; loading?: boolean; showCustomer?: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const [confirming, setConfirming] = useState<Notice | null>(null);
  const resend = useResend();
  return (
    <>
      <Table<Notice>
        rowKey="id"
        data-testid="notices-table"
        loading={props.loading}
        dataSource={props.rows}
        pagination={false}
        size={props.showCustomer === false ? 'small' : undefined}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('notices:list.empty') }}
        onRow={(r) => ({
          'data-testid': `notice-${r.id}`,
          style: r.overdue ? { background: '#fff1f0' } : undefined,
        })}
        columns={[
          ...(props.showCustomer === false
            ? []
            : [
                {
                  title: t('notices:fields.customer'),
                  render: (_: unknown, r: Notice) => (
                    <Flex vertical>
                      <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {r.customerCode}
                      </Typography.Text>
                    </Flex>
                  ),
                },
              ]),
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
                <span style={{ whiteSpace: 'nowrap' }}>{fmtDateTime(r.createdAt)}</span>
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
              <Typography.Text type={r.overdue ? 'danger' : undefined} style={{ whiteSpace: 'nowrap' }}>
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
      {confirming && <ConfirmPhoneDialog notice={confirming} onClose={() => setConfirming(null)} />}
    </>
  );
}
