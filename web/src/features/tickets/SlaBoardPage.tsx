// SLA 看板 for supervisors: tickets breaching soon and breached, counted by team, with the lists below.
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { byId, useTeams } from '../../app/lookups';
import { BarsChart } from '../../app/ui/Chart';
import { PageHeader } from '../../app/ui/PageHeader';
import { type Ticket, useQueues, useTickets } from './api';
import { PriorityTag, SlaTag, TypeTag } from './labels';
import { nextSla } from './TicketsPage';

export default function SlaBoardPage() {
  const { t } = useTranslation();
  const queues = useQueues();
  const soon = useTickets({ view: 'breaching_soon' });
  const breached = useTickets({ view: 'breached' });
  const teams = byId(useTeams().data);
  const soonRows = soon.data?.pages.flatMap((p) => p.items) ?? [];
  const breachedRows = breached.data?.pages.flatMap((p) => p.items) ?? [];
  const chart = useMemo(() => {
    const keys = new Map<string, { soon: number; breached: number }>();
    const name = (tk: Ticket) =>
      tk.teamId ? (teams.get(tk.teamId)?.name ?? `#${tk.teamId}`) : t('tickets:board.noTeam');
    for (const tk of soonRows) {
      const k = name(tk);
      keys.set(k, { ...(keys.get(k) ?? { soon: 0, breached: 0 }), soon: (keys.get(k)?.soon ?? 0) + 1 });
    }
    for (const tk of breachedRows) {
      const k = name(tk);
      keys.set(k, {
        ...(keys.get(k) ?? { soon: 0, breached: 0 }),
        breached: (keys.get(k)?.breached ?? 0) + 1,
      });
    }
    const cats = [...keys.keys()];
    return {
      categories: cats,
      series: [
        {
          name: t('tickets:views.breaching_soon'),
          data: cats.map((c) => keys.get(c)?.soon ?? 0),
          color: '#faad14',
        },
        {
          name: t('tickets:views.breached'),
          data: cats.map((c) => keys.get(c)?.breached ?? 0),
          color: '#ff4d4f',
        },
      ],
    };
  }, [soonRows, breachedRows, teams, t]);
  const columns = [
    {
      title: t('tickets:fields.number'),
      dataIndex: 'number',
      width: 150,
      render: (n: string, r: Ticket) => <Link to={`/tickets/${r.id}`}>{n}</Link>,
    },
    { title: t('tickets:fields.subject'), dataIndex: 'subject', ellipsis: true },
    {
      title: t('tickets:fields.type'),
      dataIndex: 'type',
      width: 100,
      render: (x: string) => <TypeTag type={x} />,
    },
    {
      title: t('tickets:fields.priority'),
      dataIndex: 'priority',
      width: 80,
      render: (x: string) => <PriorityTag priority={x} />,
    },
    {
      title: t('tickets:fields.sla'),
      width: 220,
      render: (_: unknown, r: Ticket) => {
        const s = nextSla(r);
        return s ? (
          <>
            <SlaTag state={s.state} /> {t(`tickets:sla.target.${s.target}`)}{' '}
            {s.dueAt ? dayjs(s.dueAt).format('MM-DD HH:mm') : ''}
          </>
        ) : null;
      },
    },
    {
      title: t('tickets:fields.team'),
      dataIndex: 'teamId',
      width: 120,
      render: (id: number | null) => (id ? teams.get(id)?.name : '—'),
    },
    {
      title: t('tickets:fields.assignee'),
      dataIndex: 'assigneeName',
      width: 110,
      render: (x: string | null) => x ?? '—',
    },
  ];
  return (
    <>
      <PageHeader
        title={<span data-testid="sla-board">{t('tickets:board.title')}</span>}
        sub={t('tickets:board.subtitle')}
      />
      <Row gutter={12} style={{ marginBottom: 12 }}>
        {(['breachingSoon', 'breached', 'unassigned', 'team'] as const).map((k) => (
          <Col span={6} key={k}>
            <Card size="small">
              <Statistic
                title={t(`tickets:board.counts.${k}`)}
                value={queues.data?.[k] ?? 0}
                valueStyle={{
                  color: k === 'breached' ? '#cf1322' : k === 'breachingSoon' ? '#d48806' : undefined,
                }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('tickets:board.byTeam')} style={{ marginBottom: 12 }}>
        {chart.categories.length ? (
          <BarsChart categories={chart.categories} series={chart.series} testId="sla-chart" />
        ) : (
          <Typography.Text type="secondary">{t('tickets:board.allGood')}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={t('tickets:views.breached')} style={{ marginBottom: 12 }}>
        <Table<Ticket>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={breachedRows}
          columns={columns}
          loading={breached.isLoading}
          data-testid="board-breached"
        />
      </Card>
      <Card size="small" title={t('tickets:views.breaching_soon')}>
        <Table<Ticket>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={soonRows}
          columns={columns}
          loading={soon.isLoading}
          data-testid="board-soon"
        />
      </Card>
    </>
  );
}
