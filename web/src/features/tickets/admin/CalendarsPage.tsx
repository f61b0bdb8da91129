// Business calendars (工作日历): weekly working hours, and per year the holidays and make-up working days (调休),
// shown as a year of small month grids; a click on a day cycles normal → holiday → working day. Each day also shows
// whether the exchanges trade (a dot; a make-up working weekend day is worked but not traded), and a year without an
// entered arrangement shows its statutory holidays (dashed) and says its deadlines are provisional.
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { fmtDateTime } from '../../../app/format';
import { queryClient } from '../../../app/session';
import { PageHeader } from '../../../app/ui/PageHeader';
import { useCalendars } from '../api';
import ArrangementBanner from './ArrangementBanner';

type Fact = { day: string; working: boolean; trading: boolean; statutory: string | null };

type Day = {
  day: string;
  kind: 'holiday' | 'workday';
  name: string | null;
  hours: [string, string][] | null;
};
const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
const MONTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const hoursText = (h?: [string, string][]) => (h ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
const parseHours = (s: string): [string, string][] =>
  s
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map((r) => r.split('-') as [string, string]);

function Month({
  year,
  month,
  days,
  facts,
  onClick,
}: {
  year: number;
  month: number;
  days: Map<string, Day>;
  facts: Map<string, Fact>;
  onClick: (d: string) => void;
}) {
  const { t } = useTranslation();
  const first = dayjs(new Date(year, month, 1));
  const lead = (first.day() + 6) % 7;
  const blanks = Array.from({ length: lead }, (_, i) => `blank-${month}-${i}`);
  const cells: dayjs.Dayjs[] = [];
  for (let d = 0; d < first.daysInMonth(); d++) cells.push(first.add(d, 'day'));
  return (
    <div style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 8 }}>
      <Typography.Text strong>{t('tickets:calendar.month', { m: month + 1 })}</Typography.Text>
      <div
        style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2, marginTop: 4, fontSize: 12 }}
      >
        {WEEKDAYS.map((w) => (
          <div key={w} style={{ textAlign: 'center', color: '#999' }}>
            {t(`tickets:calendar.wd.${w}`)}
          </div>
        ))}
        {blanks.map((b) => (
          <div key={b} />
        ))}
        {cells.map((c) => {
          const key = c.format('YYYY-MM-DD');
          const x = days.get(key);
          const f = facts.get(key);
          // A statutory holiday of a year without an arrangement (also when pre-filled for entering it): dashed.
          const statutory = !!f?.statutory && (!x || x.kind === 'holiday');
          const weekend = c.day() === 0 || c.day() === 6;
          const bg =
            x?.kind === 'holiday' || statutory ? '#fff1f0' : x?.kind === 'workday' ? '#e6f4ff' : undefined;
          const color =
            x?.kind === 'holiday' || statutory
              ? '#cf1322'
              : x?.kind === 'workday'
                ? '#0958d9'
                : weekend
                  ? '#bbb'
                  : '#333';
          const what = f
            ? f.trading
              ? t('calendar:facts.trading')
              : f.working
                ? t('calendar:facts.nonTrading')
                : statutory
                  ? `${f.statutory} · ${t('calendar:facts.statutory')}`
                  : null
            : null;
          return (
            <div
              key={key}
              data-day={key}
              data-trading={f ? String(f.trading) : undefined}
              data-working={f ? String(f.working) : undefined}
              title={[x?.name, what].filter(Boolean).join(' · ') || undefined}
              onClick={() => onClick(key)}
              onKeyDown={() => {}}
              style={{
                textAlign: 'center',
                cursor: 'pointer',
                background: bg,
                color,
                borderRadius: 4,
                lineHeight: '16px',
                paddingTop: 2,
                border: statutory ? '1px dashed #ff7875' : '1px solid transparent',
              }}
            >
              {c.date()}
              <div
                style={{
                  height: 4,
                  width: 4,
                  margin: '1px auto 1px',
                  borderRadius: 2,
                  background: f?.trading ? '#389e0d' : 'transparent',
                }}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

export default function CalendarsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const calendars = useCalendars();
  const [id, setId] = useState<number>();
  const [year, setYear] = useState(dayjs().year());
  const [form] = Form.useForm();
  const current =
    calendars.data?.find((c) => c.id === id) ??
    calendars.data?.find((c) => c.isDefault) ??
    calendars.data?.[0];
  const yearQ = useQuery({
    queryKey: ['calendars', current?.id, 'year', year],
    queryFn: () =>
      call(
        api.GET('/api/calendars/{id}/years/{year}', {
          params: { path: { id: current?.id as number, year } },
        }),
      ),
    enabled: !!current,
  });
  const factsQ = useQuery({
    queryKey: ['calendars', current?.id, 'facts', year],
    queryFn: () =>
      call(
        api.GET('/api/calendars/{id}/years/{year}/facts', {
          params: { path: { id: current?.id as number, year } },
        }),
      ),
    enabled: !!current,
  });
  const facts = new Map((factsQ.data?.days ?? []).map((d) => [d.day, d as Fact]));
  const [days, setDays] = useState(new Map<string, Day>());
  // A year without an arrangement starts from its statutory holidays, so entering the State Council's arrangement
  // only adds the extended days and the make-up working days (调休).
  useEffect(() => {
    const entered = yearQ.data ?? [];
    if (entered.length || !factsQ.data || factsQ.data.arranged || factsQ.data.year !== year)
      setDays(new Map(entered.map((d) => [d.day, d as Day])));
    else
      setDays(
        new Map(
          factsQ.data.days
            .filter((d) => d.statutory)
            .map((d) => [d.day, { day: d.day, kind: 'holiday', name: d.statutory, hours: null } as Day]),
        ),
      );
  }, [yearQ.data, factsQ.data, year]);
  useEffect(() => {
    if (current)
      form.setFieldsValue({
        name: current.name,
        timezone: current.timezone,
        isDefault: current.isDefault,
        ...Object.fromEntries(
          WEEKDAYS.map((w) => [`w${w}`, hoursText(current.weekHours[w] as [string, string][])]),
        ),
      });
  }, [current, form]);
  const cycle = (d: string) => {
    const next = new Map(days);
    const x = next.get(d);
    if (!x) next.set(d, { day: d, kind: 'holiday', name: null, hours: null });
    else if (x.kind === 'holiday') next.set(d, { ...x, kind: 'workday' });
    else next.delete(d);
    setDays(next);
  };
  const saveWeek = async () => {
    if (!current) return;
    const v = await form.validateFields();
    try {
      await call(
        api.PATCH('/api/calendars/{id}', {
          params: { path: { id: current.id } },
          body: {
            version: current.version,
            name: v.name,
            timezone: v.timezone,
            isDefault: v.isDefault,
            weekHours: Object.fromEntries(WEEKDAYS.map((w) => [w, parseHours(v[`w${w}`] ?? '')])),
          } as never,
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['calendars'] });
      message.success(t('common:messages.saved'));
    } catch (e) {
      showError(e, form);
    }
  };
  const saveYear = async () => {
    if (!current) return;
    try {
      await call(
        api.PUT('/api/calendars/{id}/years/{year}', {
          params: { path: { id: current.id, year } },
          body: { days: [...days.values()] },
        }),
      );
      await yearQ.refetch();
      // Saving a year's arrangement ends its warning and recomputes the provisional deadlines (server job).
      await queryClient.invalidateQueries({ queryKey: ['calendars'] });
      message.success(t('common:messages.saved'));
    } catch (e) {
      showError(e);
    }
  };
  return (
    <>
      <PageHeader
        title={t('tickets:menu.calendars')}
        sub={t('tickets:calendar.subtitle')}
        extra={
          <Select
            style={{ width: 220 }}
            value={current?.id}
            onChange={setId}
            options={(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        }
      />
      <div style={{ marginBottom: 12 }}>
        <ArrangementBanner link={false} />
      </div>
      <Row gutter={12}>
        <Col xs={24} xl={7}>
          <Card size="small" title={t('tickets:calendar.week')}>
            <Form form={form} layout="vertical" size="small">
              <Form.Item name="name" label={t('tickets:admin.name')} rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item name="timezone" label={t('tickets:calendar.timezone')}>
                <Input />
              </Form.Item>
              {WEEKDAYS.map((w) => (
                <Form.Item key={w} name={`w${w}`} label={t(`tickets:calendar.weekday.${w}`)}>
                  <Input placeholder="09:00-11:30, 13:00-17:00" />
                </Form.Item>
              ))}
              <Form.Item name="isDefault" label={t('tickets:calendar.isDefault')} valuePropName="checked">
                <Switch />
              </Form.Item>
              <Button type="primary" onClick={saveWeek}>
                {t('common:actions.save')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={17}>
          <Card
            size="small"
            title={
              <Space>
                {t('tickets:calendar.year')}
                <InputNumber
                  value={year}
                  min={2000}
                  max={2100}
                  onChange={(v) => v && setYear(v)}
                  size="small"
                />
              </Space>
            }
            extra={
              <Space>
                <Tag color="red">{t('tickets:calendar.holiday')}</Tag>
                <Tag color="blue">{t('tickets:calendar.workday')}</Tag>
                <Tag color="green">● {t('calendar:facts.trading')}</Tag>
                <Button type="primary" size="small" onClick={saveYear}>
                  {t('common:actions.save')}
                </Button>
              </Space>
            }
          >
            {factsQ.data && (
              <Alert
                style={{ marginBottom: 8 }}
                type={factsQ.data.arranged ? 'success' : 'warning'}
                showIcon
                data-testid="year-arrangement"
                message={
                  factsQ.data.arranged
                    ? t('calendar:facts.arranged', {
                        year,
                        at: fmtDateTime(factsQ.data.arrangedAt),
                      })
                    : t('calendar:facts.notArranged', { year })
                }
                description={
                  <Space size={12} wrap>
                    <span>
                      {t('calendar:facts.workingDays', {
                        n: factsQ.data.days.filter((d) => d.working).length,
                      })}
                    </span>
                    <span data-testid="trading-count">
                      {t('calendar:facts.tradingDays', {
                        n: factsQ.data.days.filter((d) => d.trading).length,
                      })}
                    </span>
                    <span>{t('calendar:facts.legendTrading')}</span>
                  </Space>
                }
              />
            )}
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('tickets:calendar.hint')}
            </Typography.Paragraph>
            <div
              style={{
                display: 'grid',
                gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
                gap: 8,
              }}
            >
              {MONTHS.map((m) => (
                <Month key={m} year={year} month={m} days={days} facts={facts} onClick={cycle} />
              ))}
            </div>
            <Flex gap={6} wrap style={{ marginTop: 12 }}>
              {[...days.values()]
                .sort((a, b) => a.day.localeCompare(b.day))
                .map((d) => (
                  <Tag key={d.day} color={d.kind === 'holiday' ? 'red' : 'blue'}>
                    {d.day.slice(5)} {d.name ?? ''}
                  </Tag>
                ))}
            </Flex>
          </Card>
        </Col>
      </Row>
    </>
  );
}
