// The header bell: unread count and the latest notifications (rendered in the reader's language from their kind
// and parameters); a click opens the ticket and marks it read.
import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../app/api/client';
import type { Notification } from './api';

/** The reader's language renders a notification from its kind and parameters; older ones keep their stored title. */
export function notificationTitle(t: TFunction, n: Notification) {
  const p = n.params ?? {};
  if (!Object.keys(p).length) return n.title;
  const targetLabel = typeof p.target === 'string' ? t(`tickets:sla.target.${p.target}`) : '';
  return t(`tickets:notifications.kinds.${n.kind}`, { ...p, targetLabel, defaultValue: n.title });
}

export default function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ['notifications'],
    queryFn: () => call(api.GET('/api/notifications', { params: { query: { limit: 20 } } })),
    refetchInterval: 60_000,
  });
  const read = async (id: number) => {
    await call(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })).catch(() => {});
    await q.refetch();
  };
  const content = (
    <div style={{ width: 360 }} data-testid="notifications">
      <List
        size="small"
        dataSource={q.data?.items ?? []}
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets:notifications.none')} />
          ),
        }}
        style={{ maxHeight: 420, overflow: 'auto' }}
        renderItem={(n) => (
          <List.Item
            style={{ cursor: 'pointer', background: n.readAt ? undefined : '#f0f5ff', paddingInline: 8 }}
            onClick={async () => {
              if (!n.readAt) await read(n.id);
              setOpen(false);
              if (n.ticketId) navigate(`/tickets/${n.ticketId}`);
              else if (n.kind === 'arrangement_missing') navigate('/admin/calendars');
            }}
          >
            <List.Item.Meta
              title={
                <Typography.Text strong={!n.readAt} data-testid={`notification-${n.kind}`}>
                  {notificationTitle(t, n)}
                </Typography.Text>
              }
              description={
                <>
                  {n.body && <div>{n.body}</div>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(n.createdAt).format('MM-DD HH:mm')}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between' }}>
          {t('tickets:notifications.title')}
          {(q.data?.unread ?? 0) > 0 && (
            <Typography.Link
              onClick={async () => {
                await call(api.POST('/api/notifications/read-all')).catch(() => {});
                await q.refetch();
              }}
            >
              {t('tickets:notifications.readAll')}
            </Typography.Link>
          )}
        </div>
      }
      content={content}
    >
      <Badge count={q.data?.unread ?? 0} size="small" offset={[-4, 4]}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('tickets:notifications.title')}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
