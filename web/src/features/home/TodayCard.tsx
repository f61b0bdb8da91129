// 今日工作: what waits for the signed-in person — their ticket queues (with the SLA warnings) and their tasks —
// each figure a link to the list behind it. Counts come from the same capped queries as the queue tabs.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../app/api/client';
import { useCan } from '../../app/session';

type Tile = { key: string; label: string; value?: number; cap?: number; to: string; danger?: boolean };

export default function TodayCard() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const canTickets = can('ticket.read');
  const canTasks = can('task.read');
  const queues = useQuery({
    queryKey: ['tickets', 'queues'],
    queryFn: () => call(api.GET('/api/tickets/queues')),
    enabled: canTickets,
    refetchInterval: 60_000,
  });
  const tasks = useQuery({
    queryKey: ['tasks', 'counts'],
    queryFn: () => call(api.GET('/api/tasks/counts')),
    enabled: canTasks,
    refetchInterval: 60_000,
  });
  if (!canTickets && !canTasks) return null;
  const q = queues.data;
  const tiles: Tile[] = [
    ...(canTickets
      ? [
          { key: 'mine', label: t('home:today.mine'), value: q?.mine, cap: q?.cap, to: '/tickets?view=mine' },
          { key: 'team', label: t('home:today.team'), value: q?.team, cap: q?.cap, to: '/tickets?view=team' },
          {
            key: 'unassigned',
            label: t('home:today.unassigned'),
            value: q?.unassigned,
            cap: q?.cap,
            to: '/tickets?view=unassigned',
          },
          {
            key: 'breachingSoon',
            label: t('home:today.breachingSoon'),
            value: q?.breachingSoon,
            cap: q?.cap,
            to: '/tickets?view=breaching_soon',
            danger: (q?.breachingSoon ?? 0) > 0,
          },
          {
            key: 'breached',
            label: t('home:today.breached'),
            value: q?.breached,
            cap: q?.cap,
            to: '/tickets?view=breached',
            danger: (q?.breached ?? 0) > 0,
          },
        ]
      : []),
    ...(canTasks
      ? [
          {
            key: 'tasksOpen',
            label: t('home:today.tasksOpen'),
            value: tasks.data?.open,
            to: '/programs/tasks',
          },
          {
            key: 'tasksOverdue',
            label: t('home:today.tasksOverdue'),
            value: tasks.data?.overdue,
            to: '/programs/tasks',
            danger: (tasks.data?.overdue ?? 0) > 0,
          },
          {
            key: 'tasksWeek',
            label: t('home:today.tasksWeek'),
            value: tasks.data?.week,
            to: '/programs/tasks',
          },
        ]
      : []),
  ];
  const loading = (canTickets && queues.isLoading) || (canTasks && tasks.isLoading);
  return (
    <Card title={t('home:today.title')} data-testid="today">
      <Row gutter={[16, 16]}>
        {tiles.map((x) => (
          <Col key={x.key} xs={12} sm={8} md={6} xl={3}>
            <button
              type="button"
              onClick={() => navigate(x.to)}
              data-testid={`today-${x.key}`}
              style={{ all: 'unset', cursor: 'pointer', display: 'block' }}
            >
              <Statistic
                title={x.label}
                loading={loading}
                value={x.value ?? 0}
                formatter={(v) =>
                  x.cap !== undefined && Number(v) >= x.cap
                    ? t('home:today.capped', { count: x.cap })
                    : Number(v).toLocaleString()
                }
                styles={{ content: x.danger ? { color: '#cf1322' } : undefined }}
              />
            </button>
          </Col>
        ))}
      </Row>
      {!loading && tiles.every((x) => !x.value) && (
        <Typography.Text type="secondary">{t('home:today.empty')}</Typography.Text>
      )}
    </Card>
  );
}
