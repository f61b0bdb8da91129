// 适当性评估: a staff-assisted risk questionnaire for one customer (score → C1–C5 by the server's bands), the
// current assessment and history, the investor-category requests (professional ↔ ordinary), and the product-match
// check whose mismatch warning must be acknowledged.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, Empty, Form, Modal, Radio, Row, Select, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { CategoryCard } from './CategoryCard';
import { OffersTable } from './OffersTable';

type Assessment = NonNullable<ApiData<'/api/suitability/customers/{customerId}', 'get'>['current']>;

function CustomerPicker(props: { value: number | null; onChange: (id: number) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['customers', 'pick', q],
    enabled: q.length > 0,
    queryFn: () => call(api.GET('/api/customers', { params: { query: { q, limit: 20 } } })),
  });
  const chosen = useQuery({
    queryKey: ['customers', props.value],
    enabled: props.value != null,
    queryFn: () => call(api.GET('/api/customers/{id}', { params: { path: { id: props.value as number } } })),
  });
  const options = (found.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.code})` }));
  if (chosen.data && !options.some((o) => o.value === chosen.data.id))
    options.push({ value: chosen.data.id, label: `${chosen.data.name} (${chosen.data.code})` });
  return (
    <Select
      showSearch
      filterOption={false}
      style={{ width: 320 }}
      data-testid="suit-customer"
      placeholder={t('outreach:suit.pickCustomer')}
      value={props.value ?? undefined}
      onSearch={setQ}
      onChange={props.onChange}
      options={options}
    />
  );
}

export function MatchDialog(props: { customerId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const qc = useQueryClient();
  const [productId, setProductId] = useState<number | null>(null);
  const [ack, setAck] = useState(false);
  const products = useQuery({
    queryKey: ['suitability', 'products'],
    queryFn: () => call(api.GET('/api/suitability/products')),
  });
  const match = useQuery({
    queryKey: ['suitability', 'match', props.customerId, productId],
    enabled: productId != null,
    queryFn: () =>
      call(
        api.GET('/api/suitability/customers/{customerId}/match', {
          params: { path: { customerId: props.customerId }, query: { productId: productId as number } },
        }),
      ),
  });
  const offer = useMutation({
    mutationFn: (choice: 'proceed' | 'decline') =>
      call(
        api.POST('/api/suitability/customers/{customerId}/offers', {
          params: { path: { customerId: props.customerId } },
          body: { productId: productId as number, choice, acknowledged: ack },
        }),
      ),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['suitability', 'customer', props.customerId] });
      props.onClose();
    },
    onError: (e) => showError(e),
  });
  const m = match.data;
  return (
    <Modal open title={t('outreach:suit.matchTitle')} onCancel={props.onClose} footer={null} width={560}>
      <Select
        style={{ width: '100%', marginBottom: 12 }}
        data-testid="match-product"
        placeholder={t('outreach:suit.product')}
        value={productId ?? undefined}
        onChange={(v) => {
          setProductId(v);
          setAck(false);
        }}
        options={(products.data ?? [])
          .filter((p) => p.active)
          .map((p) => ({ value: p.id, label: `${p.name} (${p.code}) · ${p.riskLevel}` }))}
      />
      {m && (
        <>
          <p>
            {t('outreach:suit.customerLevel')}: <Tag>{m.customerLevel ?? '—'}</Tag>{' '}
            {t('outreach:suit.productLevel')}: <Tag>{m.productLevel}</Tag>
          </p>
          {m.matched ? (
            <Alert type="success" showIcon message={t('outreach:suit.matched')} data-testid="match-ok" />
          ) : (
            <Alert
              type={m.blocked ? 'error' : 'warning'}
              showIcon
              data-testid="match-warning"
              message={t(`outreach:suit.warning.${m.warning ?? 'LEVEL_BELOW_PRODUCT'}`)}
              description={
                m.blocked ? (
                  t('outreach:suit.blocked')
                ) : (
                  <Checkbox checked={ack} onChange={(e) => setAck(e.target.checked)} data-testid="match-ack">
                    {t('outreach:suit.acknowledge')}
                  </Checkbox>
                )
              }
            />
          )}
          <div style={{ marginTop: 16, display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
            <Button onClick={() => offer.mutate('decline')} loading={offer.isPending}>
              {t('outreach:suit.decline')}
            </Button>
            <Button
              type="primary"
              id="match-proceed"
              disabled={m.blocked}
              loading={offer.isPending}
              onClick={() => offer.mutate('proceed')}
            >
              {t('outreach:suit.proceed')}
            </Button>
          </div>
        </>
      )}
    </Modal>
  );
}

export default function SuitabilityPage() {
  const { t } = useTranslation();
  const params = useParams();
  const customerId = params.customerId ? Number(params.customerId) : null;
  const navigate = useNavigate();
  const can = useCan();
  const qc = useQueryClient();
  const showError = useShowError();
  const [form] = Form.useForm();
  const [matching, setMatching] = useState(false);
  const qs = useQuery({
    queryKey: ['suitability', 'questionnaires'],
    queryFn: () => call(api.GET('/api/suitability/questionnaires')),
  });
  const active = qs.data?.find((q) => q.active);
  const s = useQuery({
    queryKey: ['suitability', 'customer', customerId],
    enabled: customerId != null,
    queryFn: () =>
      call(
        api.GET('/api/suitability/customers/{customerId}', {
          params: { path: { customerId: customerId as number } },
        }),
      ),
  });
  const assess = useMutation({
    mutationFn: async () => {
      const answers = (await form.validateFields()) as Record<string, string>;
      return call(
        api.POST('/api/suitability/customers/{customerId}/assessments', {
          params: { path: { customerId: customerId as number } },
          body: { questionnaireId: active?.id, answers },
        }),
      );
    },
    onSuccess: () => {
      form.resetFields();
      qc.invalidateQueries({ queryKey: ['suitability', 'customer', customerId] });
    },
    onError: (e) => showError(e, form),
  });
  const cur = s.data?.current;
  return (
    <>
      <PageHeader
        title={t('outreach:menu.suitability')}
        extra={
          <>
            <CustomerPicker value={customerId} onChange={(id) => navigate(`/outreach/suitability/${id}`)} />
            {customerId != null && (
              <Button id="match-open" onClick={() => setMatching(true)}>
                {t('outreach:suit.matchTitle')}
              </Button>
            )}
          </>
        }
      />
      {customerId == null ? (
        <Empty description={t('outreach:suit.pickCustomer')} />
      ) : (
        <Row gutter={16}>
          <Col xs={24} lg={14}>
            <Card size="small" title={active?.name ?? t('outreach:suit.questionnaire')}>
              {!active ? (
                <Empty description={t('outreach:suit.noQuestionnaire')} />
              ) : (
                <Form form={form} layout="vertical">
                  {active.questions.map((q, i) => (
                    <Form.Item
                      key={q.key}
                      name={q.key}
                      label={`${i + 1}. ${q.text}`}
                      rules={[{ required: true }]}
                    >
                      <Radio.Group
                        data-testid={`suit-q-${q.key}`}
                        options={q.options.map((o) => ({ value: o.key, label: o.text }))}
                      />
                    </Form.Item>
                  ))}
                  {can('suitability.write') && (
                    <Button
                      type="primary"
                      id="suit-submit"
                      loading={assess.isPending}
                      onClick={() => assess.mutate()}
                    >
                      {t('outreach:suit.submit')}
                    </Button>
                  )}
                </Form>
              )}
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card size="small" title={t('outreach:suit.current')} style={{ marginBottom: 16 }}>
              {cur ? (
                <div data-testid="suit-current">
                  <Tag color={cur.expired ? 'default' : 'blue'} style={{ fontSize: 18, padding: '4px 12px' }}>
                    {cur.level}
                  </Tag>
                  {t('outreach:suit.score', { score: cur.score })}
                  {cur.professional && <Tag color="gold">{t('outreach:suit.professional')}</Tag>}
                  <div style={{ marginTop: 8, color: cur.expired ? '#cf1322' : undefined }}>
                    {t('outreach:suit.validUntil', { date: dayjs(cur.validUntil).format('YYYY-MM-DD') })}
                  </div>
                </div>
              ) : (
                <Empty description={t('outreach:suit.none')} />
              )}
            </Card>
            <CategoryCard
              customerId={customerId}
              professional={!!cur?.professional}
              requests={s.data?.categoryRequests ?? []}
            />
            <Card size="small" title={t('outreach:suit.offers')} style={{ marginBottom: 16 }}>
              <OffersTable offers={s.data?.offers ?? []} />
            </Card>
            <Card size="small" title={t('outreach:suit.history')}>
              <Table<Assessment>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={s.data?.assessments ?? []}
                columns={[
                  {
                    title: t('outreach:suit.at'),
                    dataIndex: 'createdAt',
                    render: (v) => dayjs(v).format('YYYY-MM-DD HH:mm'),
                  },
                  { title: t('outreach:suit.level'), dataIndex: 'level' },
                  { title: t('outreach:suit.scoreCol'), dataIndex: 'score' },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
      {matching && customerId != null && (
        <MatchDialog customerId={customerId} onClose={() => setMatching(false)} />
      )}
    </>
  );
}
