// 回访活动: the campaigns of my branches, with links to progress and the calling workspace.
import { Button, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { type Campaign, useCampaigns } from './api';

export const STATUS_COLOR = {
  draft: 'default',
  running: 'processing',
  paused: 'warning',
  stopped: 'error',
  finished: 'success',
} as const;

export default function CampaignsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const q = useCampaigns();
  return (
    <>
      <PageHeader
        title={t('outreach:menu.campaigns')}
        extra={
          can('campaign.write') && (
            <Link to="/outreach/campaigns/new">
              <Button type="primary" id="campaign-new">
                {t('outreach:builder.title')}
              </Button>
            </Link>
          )
        }
      />
      <Table<Campaign>
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data ?? []}
        pagination={false}
        columns={[
          {
            title: t('outreach:fields.name'),
            dataIndex: 'name',
            render: (v, r) => <Link to={`/outreach/campaigns/${r.id}`}>{v}</Link>,
          },
          {
            title: t('outreach:fields.status'),
            dataIndex: 'status',
            render: (v: Campaign['status']) => <Tag color={STATUS_COLOR[v]}>{t(`outreach:status.${v}`)}</Tag>,
          },
          { title: t('outreach:fields.targets'), dataIndex: 'targets' },
          {
            title: t('outreach:fields.steps'),
            render: (_, r) =>
              r.steps
                .map((s) => t(`outreach:channel.${s.channel}`) + (s.delayDays ? ` +${s.delayDays}d` : ''))
                .join(' → '),
          },
          {
            title: t('outreach:fields.createdAt'),
            dataIndex: 'createdAt',
            render: (v) => dayjs(v).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: '',
            render: (_, r) =>
              r.status === 'running' && can('campaign.work') ? (
                <Link to={`/outreach/workspace/${r.id}`}>{t('outreach:menu.workspace')}</Link>
              ) : null,
          },
        ]}
      />
    </>
  );
}
