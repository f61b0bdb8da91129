// 客户详情 (360°): header, profile (masked personal data with an audited "reveal"), contacts, investment
// profile, relationship, custom fields, change history; the interaction timeline and attachments beside it.
import { EditOutlined, EyeOutlined, MessageOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Result,
  Row,
  Skeleton,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { byId, useBranches } from '../../app/lookups';
import { registry } from '../../app/registry';
import { useCan } from '../../app/session';
import { NotFound } from '../../app/ui/NotFound';
import { AttachmentsCard } from './AttachmentsCard';
import { type Customer, useCustomer, useCustomFields } from './api';
import { CustomerFormDialog } from './CustomerForm';
import { HistoryTable } from './HistoryTable';
import { LogInteractionDialog } from './LogInteractionDialog';
import { kindLabel, purposeLabel, statusColor, statusLabel } from './labels';
import { Timeline } from './Timeline';

type Revealed = {
  idNumber?: string | null;
  phone?: string | null;
  phoneBackup?: string | null;
  contacts?: { id: number; phone: string | null; phoneBackup: string | null }[];
};

/** Display mask for a user who may reveal: the same shape the server uses for others. */
const maskLocal = (v: string | null | undefined, keepStart = 3) =>
  v && v.length > 7 ? v.slice(0, keepStart) + '*'.repeat(v.length - keepStart - 4) + v.slice(-4) : v;

const dash = (v: unknown) =>
  v === null || v === undefined || v === '' ? '—' : Array.isArray(v) ? v.join('、') || '—' : String(v);

export default function CustomerPage() {
  const id = Number(useParams().id);
  const q = useCustomer(id);
  if (q.isPending) return <Skeleton active />;
  if (q.error) {
    if (q.error instanceof ApiError && q.error.status === 404) return <NotFound />;
    return <Result status="error" title={String(q.error.message)} />;
  }
  return <CustomerView customer={q.data} key={q.data.id} />;
}

function CustomerView({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  const can = useCan();
  const { message } = App.useApp();
  const showError = useShowError();
  const branches = useBranches();
  const branchMap = useMemo(() => byId(branches.data), [branches.data]);
  const customFields = useCustomFields(c.kind);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [editing, setEditing] = useState(false);
  const [logging, setLogging] = useState(false);
  const serviceTabs = registry.customerTabs.filter((x) => can(x.permission));
  const mayReveal = !c.piiMasked && can('customer.pii');

  const reveal = async () => {
    try {
      const r = await call(
        api.POST('/api/customers/{id}/reveal', {
          params: { path: { id: c.id } },
          body: { fields: ['idNumber', 'phone', 'phoneBackup', 'contacts'] },
        }),
      );
      setRevealed(r);
      message.info(t('customers:pii.revealedNote'));
    } catch (e) {
      showError(e);
    }
  };
  const pii = (field: 'idNumber' | 'phone' | 'phoneBackup', v: string | null) => {
    if (revealed) return dash(revealed[field]);
    if (mayReveal) return dash(maskLocal(v));
    return dash(v);
  };
  const contactPii = (cid: number, field: 'phone' | 'phoneBackup', v: string | null) => {
    if (revealed?.contacts) return dash(revealed.contacts.find((x) => x.id === cid)?.[field]);
    if (mayReveal) return dash(maskLocal(v));
    return dash(v);
  };
  const profile = c.profile as Record<string, unknown>;
  const rel = c.relationship as Record<string, unknown>;
  const fl = (k: string) => t(`customers:fields.${k}`);

  const identity = (
    <>
      {(c.piiMasked || (mayReveal && !revealed)) && (
        <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
          <Tag color="gold" data-testid="pii-masked">
            {t('customers:pii.masked')}
          </Tag>
          {mayReveal && (
            <Button size="small" icon={<EyeOutlined />} onClick={reveal} data-testid="pii-reveal">
              {t('customers:pii.reveal')}
            </Button>
          )}
        </Flex>
      )}
      <Descriptions column={2} size="small" bordered data-testid="customer-identity">
        {c.kind === 'individual' ? (
          <>
            <Descriptions.Item label={fl('idType')}>
              {c.idType ? t(`customers:idType.${c.idType}`) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={fl('idNumber')}>
              <span data-testid="customer-idNumber">{pii('idNumber', c.idNumber)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={fl('gender')}>
              {c.gender ? t(`customers:gender.${c.gender}`) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={fl('birthDate')}>{dash(c.birthDate)}</Descriptions.Item>
          </>
        ) : (
          <>
            <Descriptions.Item label={fl('registeredName')}>{dash(c.registeredName)}</Descriptions.Item>
            <Descriptions.Item label={fl('creditCode')}>{dash(c.creditCode)}</Descriptions.Item>
            <Descriptions.Item label={fl('industry')}>{dash(c.industry)}</Descriptions.Item>
            <Descriptions.Item label={fl('legalRepresentative')}>
              {dash(profile.legalRepresentative)}
            </Descriptions.Item>
          </>
        )}
        <Descriptions.Item label={fl('phone')}>
          <span data-testid="customer-phone">{pii('phone', c.phone)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={fl('phoneBackup')}>{pii('phoneBackup', c.phoneBackup)}</Descriptions.Item>
        <Descriptions.Item label={fl('email')}>{dash(c.email)}</Descriptions.Item>
        <Descriptions.Item label={fl('address')}>{dash(c.address)}</Descriptions.Item>
        {c.kind === 'individual' ? (
          <>
            <Descriptions.Item label={fl('occupation')}>{dash(c.occupation)}</Descriptions.Item>
            <Descriptions.Item label={fl('employer')}>{dash(c.employer)}</Descriptions.Item>
            <Descriptions.Item label={fl('preferences')} span={2}>
              {dash(profile.preferences)}
            </Descriptions.Item>
          </>
        ) : (
          <>
            <Descriptions.Item label={fl('financialInfo')}>{dash(profile.financialInfo)}</Descriptions.Item>
            <Descriptions.Item label={fl('taxInfo')}>{dash(profile.taxInfo)}</Descriptions.Item>
            <Descriptions.Item label={fl('orgStructure')} span={2}>
              {dash(profile.orgStructure)}
            </Descriptions.Item>
          </>
        )}
        <Descriptions.Item label={fl('sourceChannel')}>{dash(c.sourceChannel)}</Descriptions.Item>
        <Descriptions.Item label={fl('createdAt')}>{fmtDateTime(c.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={fl('notes')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
            {dash(c.notes)}
          </Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>
    </>
  );

  const contacts = (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={c.contacts}
      locale={{ emptyText: <Empty description={t('customers:contacts.none')} /> }}
      columns={[
        {
          title: t('customers:contacts.name'),
          dataIndex: 'name',
          render: (v, r) => (
            <Space>
              {v}
              {r.isPrimary && <Tag color="blue">{t('customers:contacts.primary')}</Tag>}
            </Space>
          ),
        },
        { title: t('customers:contacts.role'), dataIndex: 'role', render: dash },
        { title: fl('phone'), key: 'phone', render: (_, r) => contactPii(r.id, 'phone', r.phone) },
        {
          title: fl('phoneBackup'),
          key: 'phoneBackup',
          render: (_, r) => contactPii(r.id, 'phoneBackup', r.phoneBackup),
        },
        { title: fl('email'), dataIndex: 'email', render: dash },
        { title: fl('notes'), dataIndex: 'notes', render: dash },
      ]}
    />
  );

  const investment = (
    <Descriptions column={2} size="small" bordered>
      <Descriptions.Item label={fl('riskLevel')}>{dash(c.riskLevel)}</Descriptions.Item>
      <Descriptions.Item label={fl('purpose')}>{purposeLabel(t, c.purpose)}</Descriptions.Item>
      <Descriptions.Item label={fl('assetsUnderCustody')}>
        {c.assetsUnderCustody ? Number(c.assetsUnderCustody).toLocaleString() : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={fl('tradingFrequency')}>{dash(profile.tradingFrequency)}</Descriptions.Item>
      <Descriptions.Item label={fl('investmentNeeds')} span={2}>
        {dash(profile.investmentNeeds)}
      </Descriptions.Item>
      <Descriptions.Item label={fl('investmentExperience')} span={2}>
        {dash(profile.investmentExperience)}
      </Descriptions.Item>
      <Descriptions.Item label={fl('typicalProducts')} span={2}>
        {dash(profile.typicalProducts)}
      </Descriptions.Item>
    </Descriptions>
  );

  const relationship = (
    <Descriptions column={1} size="small" bordered>
      <Descriptions.Item label={fl('relHistory')}>{dash(rel.history)}</Descriptions.Item>
      <Descriptions.Item label={fl('relCurrent')}>{dash(rel.current)}</Descriptions.Item>
      <Descriptions.Item label={fl('relExpected')}>{dash(rel.expected)}</Descriptions.Item>
      <Descriptions.Item label={fl('competitors')}>{dash(rel.competitors)}</Descriptions.Item>
    </Descriptions>
  );

  const custom = (customFields.data ?? []).length ? (
    <Descriptions column={2} size="small" bordered>
      {(customFields.data ?? []).map((f) => {
        const v = c.custom[f.key];
        const label = (x: unknown) => f.options.find((o) => o.value === x)?.label ?? String(x);
        return (
          <Descriptions.Item key={f.key} label={f.label}>
            {v === undefined || v === null
              ? '—'
              : Array.isArray(v)
                ? v.map(label).join('、')
                : f.type === 'single_choice'
                  ? label(v)
                  : String(v)}
          </Descriptions.Item>
        );
      })}
    </Descriptions>
  ) : (
    <Empty description={t('customers:custom.none')} />
  );

  return (
    <>
      <Card style={{ marginBottom: 16 }} data-testid="customer-header">
        <Flex justify="space-between" align="start" gap={12} wrap>
          <div>
            <Space align="center" size={12} wrap>
              <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-name">
                {c.name}
              </Typography.Title>
              <Typography.Text type="secondary">{c.code}</Typography.Text>
              <Tag>{kindLabel(t, c.kind)}</Tag>
              <Tag color={statusColor[c.status]}>{statusLabel(t, c.status)}</Tag>
              {c.tier && <Tag color="gold">{c.tier}</Tag>}
            </Space>
            <Flex style={{ marginTop: 8 }} gap={16} wrap align="center">
              <Typography.Text type="secondary">
                {fl('branch')}：{branchMap.get(c.branchId)?.name ?? c.branchId}
              </Typography.Text>
              <Typography.Text type="secondary">
                {fl('owner')}：{c.ownerName ?? '—'}
              </Typography.Text>
              <Typography.Text type="secondary">
                {fl('lastContactAt')}：{fmtDateTime(c.lastContactAt)}
              </Typography.Text>
              <Space size={[4, 4]} wrap>
                {c.tags.map((x) => (
                  <Tag key={x} color="processing">
                    {x}
                  </Tag>
                ))}
              </Space>
            </Flex>
          </div>
          <Space>
            {can('interaction.write') && c.status !== 'merged' && (
              <Button
                icon={<MessageOutlined />}
                onClick={() => setLogging(true)}
                data-testid="log-interaction"
              >
                {t('customers:interactions.log')}
              </Button>
            )}
            {can('customer.write') && c.status !== 'merged' && (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="customer-edit"
              >
                {t('common:actions.edit')}
              </Button>
            )}
          </Space>
        </Flex>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card>
            <Tabs
              items={[
                { key: 'profile', label: t('customers:tabs.profile'), children: identity },
                { key: 'contacts', label: t('customers:tabs.contacts'), children: contacts },
                { key: 'investment', label: t('customers:tabs.investment'), children: investment },
                { key: 'relationship', label: t('customers:tabs.relationship'), children: relationship },
                { key: 'custom', label: t('customers:tabs.custom'), children: custom },
                {
                  key: 'history',
                  label: <span data-testid="tab-history">{t('customers:tabs.history')}</span>,
                  children: <HistoryTable customerId={c.id} />,
                },
              ]}
            />
          </Card>
          {serviceTabs.length > 0 && (
            // what other features add: the customer's tickets, entitlements, suitability …
            <Card style={{ marginTop: 16 }} data-testid="customer-service">
              <Tabs
                items={serviceTabs.map((x) => ({
                  key: x.id,
                  label: <span data-testid={`tab-${x.id}`}>{t(x.label)}</span>,
                  children: (
                    <Suspense fallback={<Spin />}>
                      <x.Tab customerId={c.id} />
                    </Suspense>
                  ),
                }))}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xl={10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <AttachmentsCard customerId={c.id} canWrite={can('customer.write') && c.status !== 'merged'} />
            <Timeline customerId={c.id} />
          </Space>
        </Col>
      </Row>
      {editing && <CustomerFormDialog customer={c} onClose={() => setEditing(false)} />}
      {logging && <LogInteractionDialog customerId={c.id} onClose={() => setLogging(false)} />}
    </>
  );
}
