// 走访记录: the visits behind a count — by manager, planned range, status, or overdue — as a table; the filters
// live in the address so a count per manager links straight here.
import { Alert, DatePicker, Flex, Select } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../app/ui/PageHeader';
import { DAY, day, LIST_LIMIT, STATUSES, todayInShanghai, useVisits, type VisitStatus } from './api';
import { ManagerSelect } from './ManagerSelect';
import { VisitDrawer } from './VisitDrawer';
import { VisitTable } from './VisitTable';

const isDay = (v: string | null): v is string =>
  !!v && /^\d{4}-\d\d-\d\d$/.test(v) && dayjs(v, DAY).isValid();

export default function VisitListPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [openId, setOpenId] = useState<number | null>(null);
  const today = todayInShanghai();
  const from = isDay(params.get('from')) ? (params.get('from') as string) : day(today.startOf('month'));
  const to = isDay(params.get('to')) ? (params.get('to') as string) : day(today.endOf('month'));
  const managerId = Number(params.get('managerId')) || null;
  const overdue = params.get('view') === 'overdue';
  const statusParam = params.get('status') as VisitStatus | null;
  const status = statusParam && STATUSES.includes(statusParam) ? statusParam : undefined;
  // the overdue list without a range shows every overdue visit
  const ranged = !overdue || params.has('from');
  const list = useVisits({
    view: overdue ? 'overdue' : 'all',
    managerId: managerId ?? undefined,
    status,
    from: ranged ? from : undefined,
    to: ranged ? to : undefined,
  });
  const update = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  return (
    <>
      <PageHeader title={t('visits:menu.records')} />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <ManagerSelect
          allowAll
          value={managerId}
          onChange={(id) => update('managerId', id ? String(id) : null)}
          testId="visits-list-manager"
        />
        <DatePicker.RangePicker
          value={ranged ? [dayjs(from), dayjs(to)] : null}
          allowClear={overdue}
          onChange={(r) => {
            const p = new URLSearchParams(params);
            if (r?.[0] && r[1]) {
              p.set('from', day(r[0]));
              p.set('to', day(r[1]));
            } else {
              p.delete('from');
              p.delete('to');
            }
            setParams(p, { replace: true });
          }}
          data-testid="visits-list-range"
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('visits:list.anyStatus')}
          value={overdue ? 'overdue' : (status ?? undefined)}
          onChange={(v?: string) => {
            const p = new URLSearchParams(params);
            p.delete('status');
            p.delete('view');
            if (v === 'overdue') p.set('view', 'overdue');
            else if (v) p.set('status', v);
            setParams(p, { replace: true });
          }}
          options={[
            ...STATUSES.map((s) => ({ value: s, label: t(`visits:status.${s}`) })),
            { value: 'overdue', label: t('visits:status.overdue') },
          ]}
          data-testid="visits-list-status"
        />
      </Flex>
      {(list.data?.length ?? 0) >= LIST_LIMIT && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('visits:list.truncated', { count: LIST_LIMIT })}
        />
      )}
      <VisitTable rows={list.data ?? []} loading={list.isLoading} onOpen={setOpenId} />
      {openId != null && <VisitDrawer visitId={openId} onClose={() => setOpenId(null)} />}
    </>
  );
}
