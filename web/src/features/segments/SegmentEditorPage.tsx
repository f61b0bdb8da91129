// Segment editor: name, kind; for a rule segment a visual rule builder with a live count (debounced call to the
// server's count route) and a preview table of matching customers; for a static one, members added by code and
// removed by ticking them. A saved segment can be deleted.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Radio, Row, Space, Statistic, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../app/api/client';
import { errorText, useShowError } from '../../app/errors';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { RuleBuilder } from './RuleBuilder';
import { fromServer, type Group, key, toServer } from './rule';

function useDebounced<T>(v: T, ms: number) {
  const [d, setD] = useState(v);
  useEffect(() => {
    const h = setTimeout(() => setD(v), ms);
    return () => clearTimeout(h);
  }, [v, ms]);
  return d;
}

type CustomerRow = { id: number; code: string; name: string; tier: string | null; ownerName: string | null };

function CustomerTable(props: {
  rows: CustomerRow[];
  loading?: boolean;
  testId?: string;
  selected?: number[];
  onSelect?: (ids: number[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      rowKey="id"
      loading={props.loading}
      dataSource={props.rows}
      pagination={false}
      data-testid={props.testId}
      rowSelection={
        props.onSelect
          ? {
              selectedRowKeys: props.selected ?? [],
              onChange: (keys) => props.onSelect?.(keys as number[]),
            }
          : undefined
      }
      columns={[
        { title: t('programs:common.code'), dataIndex: 'code' },
        {
          title: t('programs:common.customer'),
          dataIndex: 'name',
          render: (v: string, r) => <Link to={`/customers/${r.id}`}>{v}</Link>,
        },
        { title: t('programs:common.tier'), dataIndex: 'tier', render: (v) => v && <Tag>{v}</Tag> },
        { title: t('programs:common.owner'), dataIndex: 'ownerName' },
      ]}
    />
  );
}

export default function SegmentEditorPage() {
  const { t } = useTranslation();
  const { id: idParam } = useParams();
  const id = idParam ? Number(idParam) : null;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const can = useCan();
  const showError = useShowError();
  const [form] = Form.useForm();
  const [kind, setKind] = useState<'rule' | 'static'>('rule');
  const [rule, setRule] = useState<Group>(() => ({
    k: key(),
    op: 'and',
    rules: [{ k: key(), field: '', op: 'gte' }],
  }));
  const [codes, setCodes] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const { modal, message } = App.useApp();
  const seg = useQuery({
    queryKey: ['segment', id],
    enabled: id != null,
    queryFn: () => call(api.GET('/api/segments/{id}', { params: { path: { id: id as number } } })),
  });
  useEffect(() => {
    if (!seg.data) return;
    form.setFieldsValue({ name: seg.data.name, description: seg.data.description });
    setKind(seg.data.kind);
    if (seg.data.kind === 'rule') setRule(fromServer(seg.data.rule));
  }, [seg.data, form]);

  const serverRule = useMemo(() => toServer(rule), [rule]);
  const json = useDebounced(JSON.stringify(serverRule), 400);
  const live = kind === 'rule';
  const count = useQuery({
    queryKey: ['segment-count', json],
    enabled: live,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: () => call(api.POST('/api/segments/count', { body: { rule: JSON.parse(json) } })),
  });
  const preview = useQuery({
    queryKey: ['segment-preview', json],
    enabled: live,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: () => call(api.POST('/api/segments/preview', { body: { rule: JSON.parse(json), limit: 20 } })),
  });
  const members = useQuery({
    queryKey: ['segment-members', id],
    enabled: id != null && kind === 'static',
    queryFn: () =>
      call(
        api.GET('/api/segments/{id}/customers', {
          params: { path: { id: id as number }, query: { limit: 50, count: 'true' } },
        }),
      ),
  });

  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      const codeList = codes
        .split(/[\s,，;；]+/)
        .map((c) => c.trim())
        .filter(Boolean);
      if (id == null) {
        return call(
          api.POST('/api/segments', {
            body: {
              name: v.name,
              description: v.description ?? null,
              kind,
              rule: kind === 'rule' ? serverRule : null,
              codes: kind === 'static' && codeList.length ? codeList : undefined,
            },
          }),
        );
      }
      const s = await call(
        api.PATCH('/api/segments/{id}', {
          params: { path: { id } },
          body: {
            name: v.name,
            description: v.description ?? null,
            rule: kind === 'rule' ? serverRule : undefined,
            version: seg.data?.version ?? 0,
          },
        }),
      );
      if (kind === 'static' && codeList.length)
        await call(
          api.POST('/api/segments/{id}/members', { params: { path: { id } }, body: { codes: codeList } }),
        );
      return s;
    },
    onSuccess: (s) => {
      setCodes('');
      qc.invalidateQueries({ queryKey: ['segments'] });
      qc.invalidateQueries({ queryKey: ['segment', s.id] });
      qc.invalidateQueries({ queryKey: ['segment-members', s.id] });
      if (id == null) navigate(`/programs/segments/${s.id}`, { replace: true });
    },
    onError: (e) => showError(e, form),
  });

  const remove = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/segments/{id}/members/remove', {
          params: { path: { id: id as number } },
          body: { customerIds: picked },
        }),
      ),
    onSuccess: (r) => {
      setPicked([]);
      message.success(t('programs:segments.removed', { n: r.removed }));
      qc.invalidateQueries({ queryKey: ['segment-members', id] });
    },
    onError: (e) => showError(e),
  });
  const confirmDelete = () =>
    modal.confirm({
      title: t('programs:segments.deleteTitle', { name: seg.data?.name ?? '' }),
      content: t('programs:segments.deleteHint'),
      okText: t('common:actions.delete'),
      okButtonProps: { danger: true, 'data-testid': 'segment-delete-ok' },
      cancelText: t('common:actions.cancel'),
      onOk: async () => {
        try {
          await call(api.DELETE('/api/segments/{id}', { params: { path: { id: id as number } } }));
          message.success(t('common:messages.deleted'));
          await qc.invalidateQueries({ queryKey: ['segments'] });
          navigate('/programs/segments', { replace: true });
        } catch (e) {
          showError(e);
        }
      },
    });

  const c = count.data;
  return (
    <>
      <PageHeader
        title={id == null ? t('programs:segments.new') : (seg.data?.name ?? t('programs:segments.title'))}
        extra={
          can('segment.write') && (
            <>
              {id != null && seg.data && (
                <Button danger onClick={confirmDelete} data-testid="segment-delete">
                  {t('common:actions.delete')}
                </Button>
              )}
              <Button
                type="primary"
                loading={save.isPending}
                onClick={() => save.mutate()}
                data-testid="segment-save"
              >
                {t('common:actions.save')}
              </Button>
            </>
          )
        }
      />
      <Row gutter={16}>
        <Col span={16}>
          <Card style={{ marginBottom: 16 }}>
            <Form form={form} layout="vertical">
              <Form.Item name="name" label={t('programs:segments.name')} rules={[{ required: true }]}>
                <Input data-testid="segment-name" />
              </Form.Item>
              <Form.Item name="description" label={t('programs:segments.description')}>
                <Input.TextArea rows={2} />
              </Form.Item>
              <Form.Item label={t('programs:segments.kind')}>
                <Radio.Group
                  value={kind}
                  disabled={id != null}
                  onChange={(e) => setKind(e.target.value)}
                  options={[
                    { value: 'rule', label: t('programs:segments.kinds.rule') },
                    { value: 'static', label: t('programs:segments.kinds.static') },
                  ]}
                />
              </Form.Item>
            </Form>
          </Card>
          {kind === 'rule' ? (
            <RuleBuilder value={rule} onChange={setRule} />
          ) : (
            <Card title={t('programs:segments.addMembers')}>
              <Input.TextArea
                rows={4}
                value={codes}
                onChange={(e) => setCodes(e.target.value)}
                placeholder={t('programs:segments.codesHint')}
              />
            </Card>
          )}
        </Col>
        <Col span={8}>
          <Card>
            {kind === 'rule' ? (
              <>
                <Statistic
                  title={t('programs:segments.liveCount')}
                  value={c ? `${c.value.toLocaleString()}${c.capped ? '+' : ''}` : '—'}
                  loading={count.isLoading}
                  valueStyle={{ color: count.isFetching ? '#999' : '#1677ff' }}
                />
                <span
                  data-testid="segment-count"
                  data-busy={String(count.isFetching || json !== JSON.stringify(serverRule))}
                  style={{ display: 'none' }}
                >
                  {c?.value ?? ''}
                </span>
                {count.error && <Alert type="error" showIcon message={errorText(t, count.error)} />}
              </>
            ) : (
              <Statistic title={t('programs:segments.members')} value={members.data?.count?.value ?? 0} />
            )}
          </Card>
        </Col>
      </Row>
      <Card
        title={t(kind === 'rule' ? 'programs:segments.preview' : 'programs:segments.members')}
        style={{ marginTop: 16 }}
        extra={
          kind === 'static' &&
          id != null &&
          can('segment.write') && (
            <Button
              danger
              size="small"
              disabled={picked.length === 0}
              loading={remove.isPending}
              onClick={() => remove.mutate()}
              data-testid="segment-remove-members"
            >
              {t('programs:segments.removeSelected', { n: picked.length })}
            </Button>
          )
        }
      >
        <CustomerTable
          rows={(kind === 'rule' ? preview.data?.items : members.data?.items) ?? []}
          loading={kind === 'rule' ? preview.isLoading : members.isLoading}
          testId="segment-preview"
          selected={picked}
          onSelect={kind === 'static' && id != null && can('segment.write') ? setPicked : undefined}
        />
      </Card>
      <Space />
    </>
  );
}
