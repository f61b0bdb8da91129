// 客户列表: one search box, filters on every field and custom field, sort, saved views, keyset "load more",
// a bounded count ("10,000+"), bulk selection (export, merge) and export of the current result.
import {
  DeleteOutlined,
  DownloadOutlined,
  FilterOutlined,
  ImportOutlined,
  PlusOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Card, Dropdown, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { byId, useBranches } from '../../app/lookups';
import { useCan } from '../../app/session';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';
import {
  type CustomerQuery,
  type CustomerSummary,
  exportCustomers,
  useCustomerSearch,
  useCustomFields,
  useSavedViews,
} from './api';
import { CustomerFilters, type FilterState } from './CustomerFilters';
import { kindLabel, statusColor, statusLabel } from './labels';
import { MergeDialog } from './MergeDialog';

type Sort = NonNullable<CustomerQuery['sort']>;
const SORTS: Sort[] = ['updatedAt', 'createdAt', 'name', 'code', 'id'];

export default function CustomersPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<FilterState>({});
  const [showFilters, setShowFilters] = useState(false);
  const [sort, setSort] = useState<Sort>('updatedAt');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [viewId, setViewId] = useState<number | null>(null);
  const [selected, setSelected] = useState<CustomerSummary[]>([]);
  const [merging, setMerging] = useState(false);
  const [busy, setBusy] = useState(false);
  const query: CustomerQuery = useMemo(
    () => ({ q: q || undefined, filters: Object.values(filters), sort, dir }),
    [q, filters, sort, dir],
  );
  const list = useCustomerSearch(query);
  const customFields = useCustomFields();
  const views = useSavedViews();
  const branches = useBranches();
  const branchMap = useMemo(() => byId(branches.data), [branches.data]);
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const count = list.data?.pages[0]?.count;

  const applyView = (id: number | null) => {
    setViewId(id);
    const v = views.data?.find((x) => x.id === id);
    const qv = v?.query ?? {};
    setQ(qv.q ?? '');
    setFilters(Object.fromEntries((qv.filters ?? []).map((f) => [f.field, f])));
    setSort(qv.sort ?? 'updatedAt');
    setDir(qv.dir ?? 'desc');
  };

  const saveView = () => {
    let name = '';
    modal.confirm({
      title: t('customers:views.saveTitle'),
      content: (
        <Input
          autoFocus
          data-testid="view-name"
          placeholder={t('customers:views.name')}
          onChange={(e) => {
            name = e.target.value;
          }}
        />
      ),
      okText: t('common:actions.save'),
      cancelText: t('common:actions.cancel'),
      onOk: async () => {
        try {
          const v = await call(api.POST('/api/customer-views', { body: { name, query } }));
          await qc.invalidateQueries({ queryKey: ['customer-views'] });
          setViewId(v.id);
          message.success(t('common:messages.saved'));
        } catch (e) {
          showError(e);
          throw e;
        }
      },
    });
  };

  const updateView = async () => {
    if (!viewId) return;
    try {
      await call(
        api.PATCH('/api/customer-views/{id}', { params: { path: { id: viewId } }, body: { query } }),
      );
      await qc.invalidateQueries({ queryKey: ['customer-views'] });
      message.success(t('common:messages.saved'));
    } catch (e) {
      showError(e);
    }
  };

  const deleteView = async () => {
    if (!viewId) return;
    try {
      await call(api.DELETE('/api/customer-views/{id}', { params: { path: { id: viewId } } }));
      await qc.invalidateQueries({ queryKey: ['customer-views'] });
      setViewId(null);
      message.success(t('common:messages.deleted'));
    } catch (e) {
      showError(e);
    }
  };

  const doExport = async (format: 'csv' | 'xlsx', onlySelected: boolean) => {
    setBusy(true);
    try {
      const qx: CustomerQuery = onlySelected
        ? { filters: [{ field: 'code', op: 'in', value: selected.map((c) => c.code) }] }
        : query;
      await exportCustomers(qx, format);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const countText = count
    ? count.capped
      ? t('customers:list.countCapped', { count: count.value.toLocaleString() })
      : t('customers:list.count', { count: count.value.toLocaleString() })
    : '';

  return (
    <>
      <PageHeader
        title={t('customers:list.title')}
        extra={
          <>
            {can('customer.import') && (
              <Button
                icon={<ImportOutlined />}
                onClick={() => navigate('/customers/import')}
                data-testid="customer-import"
              >
                {t('customers:import.button')}
              </Button>
            )}
            {can('customer.write') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate('/customers/new')}
                data-testid="customer-create"
              >
                {t('customers:create.button')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => setQ(v.trim())}
            placeholder={t('customers:list.searchPlaceholder')}
            style={{ width: 300 }}
            data-testid="customer-search"
          />
          <Badge count={Object.keys(filters).length} size="small">
            <Button
              icon={<FilterOutlined />}
              onClick={() => setShowFilters((s) => !s)}
              data-testid="filters-toggle"
            >
              {t('customers:list.filters')}
            </Button>
          </Badge>
          <Select
            style={{ width: 130 }}
            value={sort}
            onChange={setSort}
            options={SORTS.map((s) => ({ value: s, label: t(`customers:list.sort.${s}`) }))}
            data-testid="customer-sort"
          />
          <Select
            style={{ width: 90 }}
            value={dir}
            onChange={setDir}
            options={[
              { value: 'desc', label: t('customers:list.desc') },
              { value: 'asc', label: t('customers:list.asc') },
            ]}
          />
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('customers:views.placeholder')}
            value={viewId}
            onChange={(v) => applyView(v ?? null)}
            options={(views.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
            data-testid="customer-views"
          />
          <Button icon={<SaveOutlined />} onClick={saveView} data-testid="view-save">
            {t('customers:views.save')}
          </Button>
          {viewId && (
            <Button onClick={updateView} data-testid="view-update">
              {t('customers:views.update')}
            </Button>
          )}
          {viewId && (
            <Button icon={<DeleteOutlined />} danger onClick={deleteView}>
              {t('customers:views.delete')}
            </Button>
          )}
          {can('customer.export') && (
            <Dropdown
              menu={{
                items: [
                  { key: 'csv', label: t('customers:export.csv') },
                  { key: 'xlsx', label: t('customers:export.xlsx') },
                ],
                onClick: ({ key }) => doExport(key as 'csv' | 'xlsx', false),
              }}
            >
              <Button icon={<DownloadOutlined />} loading={busy} data-testid="customer-export">
                {t('customers:export.button')}
              </Button>
            </Dropdown>
          )}
          <Typography.Text type="secondary" data-testid="customer-count" style={{ marginLeft: 'auto' }}>
            {countText}
          </Typography.Text>
        </Flex>
        {showFilters && (
          <div style={{ marginBottom: 12, padding: 12, background: '#fafafa', borderRadius: 8 }}>
            <CustomerFilters value={filters} onChange={setFilters} customFields={customFields.data ?? []} />
          </div>
        )}
        {selected.length > 0 && (
          <Flex gap={8} align="center" style={{ marginBottom: 12 }} data-testid="bulk-bar">
            <Typography.Text>{t('customers:list.selected', { count: selected.length })}</Typography.Text>
            {can('customer.export') && (
              <>
                <Button size="small" onClick={() => doExport('csv', true)}>
                  {t('customers:export.selectedCsv')}
                </Button>
                <Button size="small" onClick={() => doExport('xlsx', true)}>
                  {t('customers:export.selectedXlsx')}
                </Button>
              </>
            )}
            {can('customer.merge') && selected.length >= 2 && (
              <Button size="small" onClick={() => setMerging(true)}>
                {t('customers:merge.selected')}
              </Button>
            )}
            <Button size="small" type="link" onClick={() => setSelected([])}>
              {t('customers:list.clearSelection')}
            </Button>
          </Flex>
        )}
        <Table<CustomerSummary>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1100 }}
          data-testid="customer-table"
          rowSelection={{
            selectedRowKeys: selected.map((c) => c.id),
            onChange: (_, recs) => setSelected(recs),
            preserveSelectedRowKeys: true,
          }}
          columns={[
            {
              title: t('customers:fields.code'),
              dataIndex: 'code',
              width: 130,
              render: (v: string, c) => <Link to={`/customers/${c.id}`}>{v}</Link>,
            },
            {
              title: t('customers:fields.name'),
              dataIndex: 'name',
              width: 180,
              render: (v: string, c) => (
                <Link to={`/customers/${c.id}`} data-testid="customer-row-name">
                  {v}
                </Link>
              ),
            },
            {
              title: t('customers:fields.kind'),
              dataIndex: 'kind',
              width: 90,
              render: (v) => kindLabel(t, v),
            },
            {
              title: t('customers:fields.status'),
              dataIndex: 'status',
              width: 90,
              render: (v: string) => <Tag color={statusColor[v]}>{statusLabel(t, v)}</Tag>,
            },
            {
              title: t('customers:fields.branch'),
              dataIndex: 'branchId',
              width: 150,
              render: (id: number) => branchMap.get(id)?.name ?? id,
            },
            {
              title: t('customers:fields.owner'),
              dataIndex: 'ownerName',
              width: 100,
              render: (v) => v ?? '—',
            },
            { title: t('customers:fields.phone'), dataIndex: 'phone', width: 140, render: (v) => v ?? '—' },
            { title: t('customers:fields.tier'), dataIndex: 'tier', width: 80, render: (v) => v ?? '—' },
            {
              title: t('customers:fields.tags'),
              dataIndex: 'tags',
              render: (tags: string[]) => (
                <Space size={[4, 4]} wrap>
                  {tags.map((x) => (
                    <Tag key={x}>{x}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('customers:fields.lastContactAt'),
              dataIndex: 'lastContactAt',
              width: 160,
              render: (v: string | null) => fmtDateTime(v),
            },
          ]}
        />
        <LoadMore
          count={rows.length}
          hasMore={!!list.hasNextPage}
          loading={list.isFetchingNextPage}
          onMore={() => list.fetchNextPage()}
        />
      </Card>
      {merging && (
        <MergeDialog
          customers={selected}
          onClose={() => setMerging(false)}
          onMerged={(id) => {
            setMerging(false);
            setSelected([]);
            navigate(`/customers/${id}`);
          }}
        />
      )}
    </>
  );
}
