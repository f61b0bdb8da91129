// 客户经理视图: a manager's portfolio — customers by tier, key customers, open tasks, last contact, entitlements due,
// and the customers needing attention (each with a link to their entitlements; the star flags a key customer).
import { StarFilled, StarOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Select, Space, Statistic, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDate } from '../../app/format';
import { useCan, useMe } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';

export default function PortfolioPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [managerId, setManagerId] = useState<number>(me.id);
  const [q, setQ] = useState('');
  const users = useQuery({
    queryKey: ['user-options', q],
    queryFn: () =>
      call(api.GET('/api/users/options', { params: { query: { q: q || undefined, limit: 50 } } })),
  });
  const p = useQuery({
    queryKey: ['portfolio', managerId],
    queryFn: () => call(api.GET('/api/managers/{id}/portfolio', { params: { path: { id: managerId } } })),
    retry: false,
  });
  const can = useCan();
  const qc = useQueryClient();
  const showError = useShowError();
  const flag = useMutation({
    mutationFn: (v: { id: number; keyCustomer: boolean }) =>
      call(
        api.PUT('/api/customers/{id}/key-customer', {
          params: { path: { id: v.id } },
          body: { keyCustomer: v.keyCustomer },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['portfolio'] }),
    onError: (e) => showError(e),
  });
  const d = p.data;
  return (
    <>
      <PageHeader
        title={t('programs:portfolio.title')}
        extra={
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            style={{ width: 240 }}
            value={managerId}
            onChange={setManagerId}
            options={[
              ...(users.data?.some((u) => u.id === me.id) ? [] : [{ value: me.id, label: me.displayName }]),
              ...(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName })),
            ]}
            data-testid="portfolio-manager"
          />
        }
      />
      {!d ? (
        <Card loading={p.isLoading}>{p.error && <Empty />}</Card>
      ) : (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            {[
              ['customers', d.customers.total],
              ['keyCustomers', d.customers.keyCustomers],
              ['openTasks', d.tasks.open],
              ['overdue', d.tasks.overdue],
              ['entitlementsOpen', d.entitlementsDue.open],
              ['entitlementsDone', d.entitlementsDue.done],
            ].map(([k, v]) => (
              <Col span={4} key={k as string}>
                <Card>
                  <Statistic title={t(`programs:portfolio.${k}`)} value={v as number} />
                </Card>
              </Col>
            ))}
          </Row>
          <Row gutter={16}>
            <Col span={8}>
              <Card title={t('programs:portfolio.byTier')} style={{ marginBottom: 16 }}>
                <Table
                  size="small"
                  rowKey={(r) => r.tier ?? '-'}
                  pagination={false}
                  dataSource={d.customers.byTier}
                  columns={[
                    {
                      title: t('programs:common.tier'),
                      dataIndex: 'tier',
                      render: (v) => v ?? t('programs:tiers.none'),
                    },
                    { title: t('programs:portfolio.customers'), dataIndex: 'customers', align: 'right' },
                  ]}
                />
              </Card>
              <Card title={t('programs:portfolio.lastContact')}>
                <Space direction="vertical">
                  <span>{t('programs:portfolio.never', { n: d.lastContact.never })}</span>
                  <span>{t('programs:portfolio.over30', { n: d.lastContact.over30Days })}</span>
                  <span>{t('programs:portfolio.over90', { n: d.lastContact.over90Days })}</span>
                </Space>
              </Card>
            </Col>
            <Col span={16}>
              <Card title={t('programs:portfolio.attention')}>
                <Table
                  size="small"
                  rowKey="id"
                  pagination={{ pageSize: 15 }}
                  dataSource={d.attention}
                  columns={[
                    { title: t('programs:common.code'), dataIndex: 'code' },
                    {
                      title: t('programs:common.customer'),
                      dataIndex: 'name',
                      render: (v: string, r) => (
                        <Space>
                          <Link to={`/customers/${r.id}`}>{v}</Link>
                          {r.keyCustomer && <Tag color="gold">{t('programs:portfolio.key')}</Tag>}
                          {can('customer.write') && (
                            <Tooltip
                              title={t(
                                r.keyCustomer ? 'programs:portfolio.unflagKey' : 'programs:portfolio.flagKey',
                              )}
                            >
                              <Button
                                type="text"
                                size="small"
                                aria-label={t(
                                  r.keyCustomer
                                    ? 'programs:portfolio.unflagKey'
                                    : 'programs:portfolio.flagKey',
                                )}
                                icon={
                                  r.keyCustomer ? (
                                    <StarFilled style={{ color: '#faad14' }} />
                                  ) : (
                                    <StarOutlined />
                                  )
                                }
                                loading={flag.isPending && flag.variables?.id === r.id}
                                onClick={() => flag.mutate({ id: r.id, keyCustomer: !r.keyCustomer })}
                                data-testid="portfolio-key-toggle"
                              />
                            </Tooltip>
                          )}
                        </Space>
                      ),
                    },
                    {
                      title: t('programs:common.tier'),
                      dataIndex: 'tier',
                      render: (v) => v && <Tag>{v}</Tag>,
                    },
                    {
                      title: t('programs:portfolio.lastContactAt'),
                      dataIndex: 'lastContactAt',
                      render: (v: string | null) => fmtDate(v),
                    },
                    {
                      key: 'e',
                      render: (_, r) => (
                        <Link to={`/customers/${r.id}/entitlements`}>
                          {t('programs:portfolio.entitlements')}
                        </Link>
                      ),
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
