// 走访计划: an account manager's visits on a calendar, per week (a column per day, readable at a glance all day
// long) or per month; supervisors and branch managers pick the manager (default: me). Visits are coloured by status,
// overdue ones red; a click on a day plans a visit for that day, a click on a visit opens it (check in, complete,
// cancel).
import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Calendar, Flex, Segmented, Space, Spin, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan, useMe } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import {
  DAY,
  day,
  LIST_LIMIT,
  STATUSES,
  statusColor,
  statusEdge,
  todayInShanghai,
  useVisits,
  type Visit,
  weekStart,
} from './api';
import { ManagerSelect } from './ManagerSelect';
import { PlanVisitDialog } from './PlanVisitDialog';
import { VisitCard } from './VisitCard';
import { VisitDrawer } from './VisitDrawer';

type Mode = 'week' | 'month';

function WeekGrid(props: {
  start: Dayjs;
  byDay: Map<string, Visit[]>;
  showManager: boolean;
  canPlan: boolean;
  onPlan: (d: Dayjs) => void;
  onOpen: (id: number) => void;
}) {
  const { t } = useTranslation();
  const today = day(todayInShanghai());
  const days = Array.from({ length: 7 }, (_, i) => props.start.add(i, 'day'));
  return (
    <div
      data-testid="visits-week"
      style={{
        display: 'grid',
        gridTemplateColumns: 'repeat(7, minmax(0, 1fr))',
        border: '1px solid #f0f0f0',
        borderRadius: 8,
        overflow: 'hidden',
        background: '#fff',
      }}
    >
      {days.map((d, i) => {
        const key = day(d);
        const list = props.byDay.get(key) ?? [];
        const isToday = key === today;
        return (
          <div
            key={key}
            data-testid="visits-day"
            data-day={key}
            style={{
              borderLeft: i ? '1px solid #f0f0f0' : undefined,
              display: 'flex',
              flexDirection: 'column',
            }}
          >
            <Flex
              justify="space-between"
              align="center"
              style={{
                padding: '8px 10px',
                borderBottom: `2px solid ${isToday ? '#1677ff' : '#f0f0f0'}`,
                background: isToday ? '#e6f4ff' : '#fafafa',
              }}
            >
              <span style={{ fontSize: 14 }}>
                <b>{d.format('ddd')}</b>{' '}
                <span style={{ color: isToday ? '#1677ff' : '#595959' }}>{d.format('MM-DD')}</span>
              </span>
              {props.canPlan && (
                <Button
                  size="small"
                  type="text"
                  icon={<PlusOutlined />}
                  aria-label={t('visits:calendar.planOn', { day: key })}
                  data-testid="visits-day-plan"
                  onClick={() => props.onPlan(d)}
                />
              )}
            </Flex>
            <div
              style={{
                padding: 8,
                minHeight: 440,
                flex: 1,
                cursor: props.canPlan ? 'copy' : undefined,
              }}
              onClick={() => props.canPlan && props.onPlan(d)}
            >
              {list.map((v) => (
                <VisitCard key={v.id} visit={v} showManager={props.showManager} onOpen={props.onOpen} />
              ))}
              {!list.length && (
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {t('visits:calendar.none')}
                </Typography.Text>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function MonthCell(props: {
  visits: Visit[];
  showManager: boolean;
  onOpen: (id: number) => void;
  onMore: () => void;
}) {
  const { t } = useTranslation();
  const shown = props.visits.slice(0, 3);
  return (
    <div data-testid="visits-month-cell">
      {shown.map((v) => (
        <button
          type="button"
          key={v.id}
          data-testid="visit-chip"
          data-visit-id={v.id}
          data-status={v.overdue ? 'overdue' : v.status}
          title={`${v.customerName} · ${v.purpose}`}
          onClick={(e) => {
            e.stopPropagation();
            props.onOpen(v.id);
          }}
          style={{
            display: 'block',
            width: '100%',
            textAlign: 'left',
            font: 'inherit',
            fontSize: 13,
            lineHeight: '20px',
            cursor: 'pointer',
            border: 0,
            borderLeft: `3px solid ${statusEdge(v)}`,
            background: v.overdue ? '#fff1f0' : '#f5f5f5',
            borderRadius: 3,
            padding: '0 4px',
            marginBottom: 2,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
            textOverflow: 'ellipsis',
            textDecoration: v.status === 'cancelled' ? 'line-through' : undefined,
          }}
        >
          {v.windowFrom && <span style={{ color: '#8c8c8c' }}>{v.windowFrom} </span>}
          {v.customerName}
          {props.showManager && <span style={{ color: '#8c8c8c' }}> · {v.managerName}</span>}
        </button>
      ))}
      {props.visits.length > shown.length && (
        <Button
          type="link"
          size="small"
          style={{ padding: 0, height: 20 }}
          onClick={(e) => {
            e.stopPropagation();
            props.onMore();
          }}
        >
          {t('visits:calendar.more', { count: props.visits.length - shown.length })}
        </Button>
      )}
    </div>
  );
}

export default function VisitsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const mode: Mode = params.get('mode') === 'month' ? 'month' : 'week';
  const anchor =
    params.get('date') && dayjs(params.get('date'), DAY).isValid()
      ? dayjs(params.get('date'))
      : todayInShanghai();
  // default: my own visits; `managerId=all` shows every manager of my branches
  const managerParam = params.get('managerId');
  const managerId = managerParam === 'all' ? null : managerParam ? Number(managerParam) : me.id;
  const [planning, setPlanning] = useState<Dayjs | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const canPlan = can('visit.write');

  const set = (next: { mode?: Mode; date?: Dayjs; managerId?: number | null }) => {
    const p = new URLSearchParams(params);
    if (next.mode) p.set('mode', next.mode);
    if (next.date) p.set('date', day(next.date));
    if (next.managerId !== undefined) {
      if (next.managerId === null) p.set('managerId', 'all');
      else if (next.managerId === me.id) p.delete('managerId');
      else p.set('managerId', String(next.managerId));
    }
    setParams(p, { replace: true });
  };

  // the month grid shows six weeks; in English it starts on Sunday, so one day more in front
  const start = mode === 'week' ? weekStart(anchor) : weekStart(anchor.startOf('month')).subtract(1, 'day');
  const end = mode === 'week' ? start.add(6, 'day') : start.add(42, 'day');
  const list = useVisits({ view: 'all', from: day(start), to: day(end), managerId: managerId ?? undefined });
  const overdue = useVisits({ view: 'overdue', managerId: managerId ?? undefined });
  const byDay = useMemo(() => {
    const m = new Map<string, Visit[]>();
    for (const v of list.data ?? []) m.set(v.plannedDate, [...(m.get(v.plannedDate) ?? []), v]);
    return m;
  }, [list.data]);

  const step = mode === 'week' ? 'week' : 'month';
  const rangeLabel =
    mode === 'week'
      ? `${start.format('YYYY-MM-DD')} – ${end.format('MM-DD')}`
      : anchor.format(t('visits:calendar.monthFormat'));
  const overdueCount = overdue.data?.length ?? 0;
  const managerQuery = managerId ? `&managerId=${managerId}` : '';

  return (
    <>
      <PageHeader
        title={t('visits:menu.calendar')}
        extra={
          <>
            <ManagerSelect
              allowAll
              value={managerId}
              onChange={(id) => set({ managerId: id })}
              testId="visits-manager"
            />
            {canPlan && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setPlanning(anchor)}
                data-testid="visits-plan"
              >
                {t('visits:plan.button')}
              </Button>
            )}
          </>
        }
      />
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Space>
          <Button
            icon={<LeftOutlined />}
            aria-label={t(`visits:calendar.prev.${mode}`)}
            onClick={() => set({ date: anchor.subtract(1, step) })}
            data-testid="visits-prev"
          />
          <Button onClick={() => set({ date: todayInShanghai() })} data-testid="visits-today">
            {t('visits:calendar.today')}
          </Button>
          <Button
            icon={<RightOutlined />}
            aria-label={t(`visits:calendar.next.${mode}`)}
            onClick={() => set({ date: anchor.add(1, step) })}
            data-testid="visits-next"
          />
          <Typography.Title level={5} style={{ margin: '0 8px' }} data-testid="visits-range">
            {rangeLabel}
          </Typography.Title>
          {list.isFetching && <Spin size="small" />}
        </Space>
        <Space wrap>
          <Space size={4} wrap>
            {STATUSES.map((s) => (
              <Tag key={s} color={statusColor({ status: s, overdue: false })}>
                {t(`visits:status.${s}`)}
              </Tag>
            ))}
            <Tag color="red">{t('visits:status.overdue')}</Tag>
          </Space>
          <Segmented<Mode>
            value={mode}
            onChange={(m) => set({ mode: m })}
            options={[
              { value: 'week', label: t('visits:calendar.week') },
              { value: 'month', label: t('visits:calendar.month') },
            ]}
            data-testid="visits-mode"
          />
        </Space>
      </Flex>
      {overdueCount > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="visits-overdue"
          title={
            <Link to={`/visits/list?view=overdue${managerQuery}`}>
              {t('visits:calendar.overdue', { count: overdueCount })}
            </Link>
          }
        />
      )}
      {(list.data?.length ?? 0) >= LIST_LIMIT && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('visits:list.truncated', { count: LIST_LIMIT })}
        />
      )}
      {mode === 'week' ? (
        <WeekGrid
          start={start}
          byDay={byDay}
          showManager={managerId === null}
          canPlan={canPlan}
          onPlan={setPlanning}
          onOpen={setOpenId}
        />
      ) : (
        <div data-testid="visits-month" style={{ background: '#fff', borderRadius: 8, padding: '0 8px' }}>
          <Calendar
            value={anchor}
            headerRender={() => null}
            onSelect={(d, info) => {
              if (info.source !== 'date') return;
              set({ date: d });
              if (canPlan) setPlanning(d);
            }}
            cellRender={(d, info) =>
              info.type === 'date' ? (
                <MonthCell
                  visits={byDay.get(day(d)) ?? []}
                  showManager={managerId === null}
                  onOpen={setOpenId}
                  onMore={() => set({ mode: 'week', date: d })}
                />
              ) : (
                info.originNode
              )
            }
          />
        </div>
      )}
      {planning && (
        <PlanVisitDialog date={planning} managerId={managerId} onClose={() => setPlanning(null)} />
      )}
      {openId != null && <VisitDrawer visitId={openId} onClose={() => setOpenId(null)} />}
    </>
  );
}
