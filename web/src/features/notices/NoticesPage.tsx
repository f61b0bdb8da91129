// 风险通知: the notices of my branches, the unconfirmed first (red once past their deadline); send new ones, chase
// the unconfirmed (send again), record a confirmation the customer gave by phone.
import { useQuery } from '@tanstack/react-query';
import { Button, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { NoticesTable } from './NoticesTable';
import { SendNoticeDialog } from './SendNoticeDialog';

type View = 'all' | 'sent' | 'overdue' | 'confirmed';

export default function NoticesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [view, setView] = useState<View>('all');
  const [sending, setSending] = useState(false);
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
      <NoticesTable rows={q.data ?? []} loading={q.isLoading} />
      {sending && <SendNoticeDialog onClose={() => setSending(false)} />}
    </>
  );
}
