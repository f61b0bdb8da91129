// One ticket: header (number, status, type, priority, customer, first-contact owner 首问负责人, current assignee),
// SLA clocks, the thread (public replies vs internal notes), linked knowledge, attachments, transfers (hop
// history), status actions, the complaint section, the rating and the event history.
import {
  ClockCircleOutlined,
  LockOutlined,
  MailOutlined,
  PaperClipOutlined,
  RollbackOutlined,
  SwapOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Input,
  List,
  Modal,
  Rate,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { byId, useDepartments, useTeams } from '../../app/lookups';
import { queryClient, useCan, useMe } from '../../app/session';
import { CallButton } from '../../app/ui/CallButton';
import { NotFound } from '../../app/ui/NotFound';
import {
  addMessage,
  linkArticle,
  personLabel,
  renderMacro,
  type TicketDetail,
  ticketsKey,
  unlinkArticle,
  updateTicket,
  uploadAttachment,
  useMacros,
  useTicket,
} from './api';
import { ComplaintCard } from './ComplaintCard';
import { HandBackDialog } from './HandBackDialog';
import { PriorityTag, SlaTag, StatusTag, TypeTag } from './labels';
import { TransferDialog } from './TransferDialog';

const fmt = (s?: string | null) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm') : '—');

function SlaClocks({ detail }: { detail: TicketDetail }) {
  const { t } = useTranslation();
  const sla = detail.ticket.sla;
  return (
    <Card
      size="small"
      title={
        <>
          <ClockCircleOutlined /> {t('tickets:sla.title')}
        </>
      }
      data-testid="sla-clocks"
    >
      {sla.length === 0 ? (
        <Typography.Text type="secondary">{t('tickets:sla.none')}</Typography.Text>
      ) : (
        <Row gutter={[12, 12]}>
          {sla.map((s) => (
            <Col key={s.target} xs={24} sm={12} lg={6}>
              <div
                style={{
                  border: '1px solid #f0f0f0',
                  borderRadius: 6,
                  padding: '8px 12px',
                  borderLeft: `4px solid ${
                    (
                      {
                        breached: '#ff4d4f',
                        warning: '#faad14',
                        met: '#52c41a',
                        met_late: '#fa8c16',
                        paused: '#bfbfbf',
                      } as Record<string, string>
                    )[s.state] ?? '#1668dc'
                  }`,
                }}
                data-testid={`sla-${s.target}`}
              >
                <Flex justify="space-between" align="center">
                  <Typography.Text strong>{t(`tickets:sla.target.${s.target}`)}</Typography.Text>
                  <SlaTag state={s.state} />
                </Flex>
                <div style={{ fontSize: 12, color: '#666', marginTop: 4 }}>
                  {t('tickets:sla.due')}: {fmt(s.dueAt)}
                  {s.provisional && (
                    <Tag
                      color="gold"
                      style={{ marginInlineStart: 6 }}
                      title={t('calendar:provisionalHint')}
                      data-testid={`sla-${s.target}-provisional`}
                    >
                      {t('calendar:provisional')}
                    </Tag>
                  )}
                  <br />
                  {s.unit === 'working_hours'
                    ? t('calendar:unit.working_hours')
                    : t(`calendar:unitCount.${s.unit}`, { n: s.days ?? 0 })}
                  {s.metAt && (
                    <>
                      <br />
                      {t('tickets:sla.metAt')}: {fmt(s.metAt)}
                    </>
                  )}
                  {!s.metAt && s.warnAt && (
                    <>
                      <br />
                      {t('tickets:sla.warnAt')}: {fmt(s.warnAt)}
                    </>
                  )}
                </div>
              </div>
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}

function Thread(props: { detail: TicketDetail; canWrite: boolean; onSent: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const { ticket, messages } = props.detail;
  // 内转外不转: who may not face the customer (department staff) writes internal notes only.
  const faceCustomer = props.detail.allowed.faceCustomer;
  const [filter, setFilter] = useState<'all' | 'public' | 'internal'>('all');
  const [mode, setMode] = useState<'public' | 'internal' | 'inbound'>(faceCustomer ? 'public' : 'internal');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const macros = useMacros(ticket.type);
  const closed = ticket.status === 'closed';
  const shown = messages.filter((m) => filter === 'all' || m.visibility === filter);
  const send = async () => {
    setSending(true);
    try {
      await addMessage(ticket.id, {
        visibility: mode === 'internal' ? 'internal' : 'public',
        direction: mode === 'inbound' ? 'inbound' : mode === 'public' ? 'outbound' : undefined,
        body,
      });
      setBody('');
      props.onSent();
    } catch (e) {
      showError(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('tickets:thread.title')}
      extra={
        <Segmented
          size="small"
          value={filter}
          onChange={(v) => setFilter(v as typeof filter)}
          options={[
            { value: 'all', label: t('tickets:thread.all') },
            { value: 'public', label: t('tickets:thread.public') },
            { value: 'internal', label: t('tickets:thread.internal') },
          ]}
        />
      }
      data-testid="thread"
    >
      <div style={{ marginBottom: 12, whiteSpace: 'pre-wrap', color: '#555' }}>{ticket.description}</div>
      {shown.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets:thread.empty')} />
      )}
      <Flex vertical gap={10}>
        {shown.map((m) => {
          const internal = m.visibility === 'internal';
          const inbound = m.direction === 'inbound';
          return (
            <div
              key={m.id}
              data-testid={internal ? 'message-internal' : 'message-public'}
              style={{
                background: internal ? '#fffbe6' : inbound ? '#f6ffed' : '#f0f5ff',
                border: `1px ${internal ? 'dashed #ffd666' : 'solid #d6e4ff'}`,
                borderRadius: 8,
                padding: '8px 12px',
                marginInlineStart: inbound ? 0 : 32,
                marginInlineEnd: inbound ? 32 : 0,
              }}
            >
              <Flex justify="space-between" style={{ fontSize: 12, color: '#666', marginBottom: 4 }}>
                <Space size={6}>
                  {internal ? (
                    <Tag icon={<LockOutlined />} color="gold">
                      {t('tickets:thread.internalNote')}
                    </Tag>
                  ) : (
                    <Tag icon={<MailOutlined />} color={inbound ? 'green' : 'blue'}>
                      {inbound ? t('tickets:thread.fromCustomer') : t('tickets:thread.toCustomer')}
                    </Tag>
                  )}
                  <span data-testid="message-author">
                    {personLabel(props.detail, m.authorId) ?? m.authorName ?? t('tickets:thread.customer')}
                  </span>
                </Space>
                <span>{fmt(m.createdAt)}</span>
              </Flex>
              <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
            </div>
          );
        })}
      </Flex>
      {props.canWrite && !closed && (
        <div style={{ marginTop: 16, borderTop: '1px solid #f0f0f0', paddingTop: 12 }}>
          <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 8 }}>
            <Segmented
              value={mode}
              onChange={(v) => setMode(v as typeof mode)}
              data-testid="composer-mode"
              options={[
                { value: 'public', label: t('tickets:thread.replyCustomer') },
                { value: 'internal', label: t('tickets:thread.addNote') },
                { value: 'inbound', label: t('tickets:thread.logInbound') },
              ].filter((o) => faceCustomer || o.value === 'internal')}
            />
            <Select
              style={{ width: 220 }}
              placeholder={t('tickets:thread.macro')}
              value={null as number | null}
              data-testid="macro-select"
              options={(macros.data ?? [])
                .filter((m) => m.active)
                .map((m) => ({ value: m.id, label: m.name }))}
              onChange={async (id) => {
                if (!id) return;
                try {
                  const r = await renderMacro(ticket.id, id);
                  setBody((b) => (b ? `${b}\n${r.body}` : r.body));
                } catch (e) {
                  showError(e);
                }
              }}
            />
          </Flex>
          <Input.TextArea
            rows={4}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            data-testid="composer-body"
            placeholder={
              mode === 'internal' ? t('tickets:thread.notePlaceholder') : t('tickets:thread.replyPlaceholder')
            }
            style={mode === 'internal' ? { background: '#fffbe6' } : undefined}
          />
          <Flex justify="space-between" align="center" style={{ marginTop: 8 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {mode === 'public'
                ? t('tickets:thread.replyHint')
                : mode === 'internal'
                  ? t('tickets:thread.noteHint')
                  : t('tickets:thread.inboundHint')}
            </Typography.Text>
            <Button
              type="primary"
              disabled={!body.trim()}
              loading={sending}
              onClick={send}
              data-testid="composer-send"
            >
              {mode === 'public'
                ? t('tickets:thread.sendReply')
                : mode === 'internal'
                  ? t('tickets:thread.saveNote')
                  : t('tickets:thread.saveInbound')}
            </Button>
          </Flex>
        </div>
      )}
    </Card>
  );
}

function Knowledge(props: { detail: TicketDetail; canWrite: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [pick, setPick] = useState<number | null>(null);
  const search = useQuery({
    queryKey: ['kb', 'link-search', q],
    queryFn: () =>
      call(api.GET('/api/kb/articles', { params: { query: { q, status: 'published', limit: 20 } } })),
    enabled: q.length > 0,
  });
  const id = props.detail.ticket.id;
  return (
    <Card size="small" title={t('tickets:kb.title')} data-testid="linked-articles">
      <List
        size="small"
        dataSource={props.detail.articles}
        locale={{ emptyText: t('tickets:kb.none') }}
        renderItem={(a) => (
          <List.Item
            actions={
              props.canWrite
                ? [
                    <Typography.Link
                      key="unlink"
                      onClick={() => unlinkArticle(id, a.id).then(props.onChange, showError)}
                    >
                      {t('tickets:kb.unlink')}
                    </Typography.Link>,
                  ]
                : []
            }
          >
            <Link to={`/kb/${a.id}`} data-testid="linked-article">
              {a.title}
            </Link>{' '}
            <Tag>{t(`kb:kind.${a.kind}`, { defaultValue: a.kind })}</Tag>
          </List.Item>
        )}
      />
      {props.canWrite && (
        <Space.Compact style={{ width: '100%', marginTop: 8 }}>
          <Select
            showSearch
            filterOption={false}
            onSearch={setQ}
            value={pick}
            onChange={setPick}
            style={{ width: '100%' }}
            placeholder={t('tickets:kb.search')}
            data-testid="kb-link-search"
            options={(search.data?.items ?? []).map((a) => ({ value: a.id, label: a.title }))}
          />
          <Button
            disabled={!pick}
            data-testid="kb-link"
            onClick={async () => {
              try {
                await linkArticle(id, pick as number);
                setPick(null);
                props.onChange();
              } catch (e) {
                showError(e);
              }
            }}
          >
            {t('tickets:kb.link')}
          </Button>
        </Space.Compact>
      )}
    </Card>
  );
}

function Hops({ detail }: { detail: TicketDetail }) {
  const { t } = useTranslation();
  const teams = byId(useTeams().data);
  const depts = byId(useDepartments().data);
  const name = (u: number) => detail.people.find((p) => p.id === u)?.name;
  const where = (u: number | null, tm: number | null, d: number | null) =>
    [u ? name(u) : null, tm ? teams.get(tm)?.name : null, d ? depts.get(d)?.name : null]
      .filter(Boolean)
      .join(' · ') || '—';
  return (
    <Card
      size="small"
      title={
        <>
          <SwapOutlined /> {t('tickets:transfer.history')}
        </>
      }
      data-testid="hop-history"
    >
      {detail.transfers.length === 0 ? (
        <Typography.Text type="secondary">{t('tickets:transfer.none')}</Typography.Text>
      ) : (
        <Timeline
          items={detail.transfers.map((h) => ({
            key: h.id,
            children: (
              <div data-testid={h.kind === 'hand_back' ? 'hop-hand-back' : 'hop'}>
                <div>
                  {h.kind === 'hand_back' && (
                    <Tag icon={<RollbackOutlined />} color="green">
                      {t('tickets:handBack.tag')}
                    </Tag>
                  )}
                  <Typography.Text type="secondary">
                    {where(h.fromUserId, h.fromTeamId, h.fromDepartmentId)}
                  </Typography.Text>
                  {' → '}
                  <Typography.Text strong>{where(h.toUserId, h.toTeamId, h.toDepartmentId)}</Typography.Text>
                </div>
                <div style={{ fontSize: 12, color: '#666' }}>
                  {t('tickets:transfer.by', {
                    who: personLabel(detail, h.byId) ?? t('tickets:events.system'),
                    at: fmt(h.at),
                  })}
                </div>
                <div style={{ fontSize: 13, whiteSpace: 'pre-wrap' }}>
                  {h.kind === 'hand_back' ? t('tickets:handBack.answer') : t('tickets:transfer.reason')}:{' '}
                  {h.reason}
                </div>
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function Events({ detail }: { detail: TicketDetail }) {
  const { t } = useTranslation();
  const color: Record<string, string> = {
    sla_warning: 'orange',
    sla_breach: 'red',
    escalated: 'red',
    rated: 'green',
    handed_back: 'green',
  };
  return (
    <Card size="small" title={t('tickets:events.title')} data-testid="events">
      <Timeline
        items={[...detail.events].reverse().map((e) => ({
          key: e.id,
          color: color[e.kind] ?? 'blue',
          children: (
            <div>
              <Typography.Text>
                {t(`tickets:events.kinds.${e.kind}`, { defaultValue: e.kind })}
              </Typography.Text>
              {e.target && (
                <Tag style={{ marginInlineStart: 6 }}>
                  {t(`tickets:sla.target.${e.target}`, { defaultValue: e.target })}
                </Tag>
              )}
              {e.kind === 'status_changed' && typeof e.data.to === 'string' && (
                <Tag style={{ marginInlineStart: 6 }}>
                  {t(`tickets:status.${e.data.to}`, { defaultValue: e.data.to })}
                </Tag>
              )}
              <div style={{ fontSize: 12, color: '#888' }}>
                {fmt(e.at)} · {personLabel(detail, e.actorId) ?? t('tickets:events.system')}
              </div>
            </div>
          ),
        }))}
      />
    </Card>
  );
}

function Attachments(props: { detail: TicketDetail; canWrite: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const id = props.detail.ticket.id;
  return (
    <Card
      size="small"
      title={
        <>
          <PaperClipOutlined /> {t('tickets:attachments.title')}
        </>
      }
      extra={
        props.canWrite && (
          <Upload
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              try {
                await uploadAttachment(id, file as File);
                onSuccess?.({});
                props.onChange();
              } catch (e) {
                onError?.(e as Error);
                showError(e);
              }
            }}
          >
            <Button size="small" icon={<UploadOutlined />}>
              {t('tickets:attachments.upload')}
            </Button>
          </Upload>
        )
      }
    >
      <List
        size="small"
        dataSource={props.detail.attachments}
        locale={{ emptyText: t('tickets:attachments.none') }}
        renderItem={(a) => (
          <List.Item>
            <a href={`/api/tickets/${id}/attachments/${a.id}`}>{a.fileName}</a>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {Math.ceil(a.size / 1024)} KB · {fmt(a.createdAt)}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Card>
  );
}

export default function TicketPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const can = useCan();
  const me = useMe();
  const id = Number(useParams().id);
  const q = useTicket(id);
  const teams = byId(useTeams().data);
  const depts = byId(useDepartments().data);
  const [transferring, setTransferring] = useState(false);
  const [handingBack, setHandingBack] = useState(false);
  if (q.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (q.error instanceof ApiError && q.error.status === 404) return <NotFound />;
  if (!q.data) return null;
  const detail = q.data;
  const tk = detail.ticket;
  const canWrite = can('ticket.write') && tk.status !== 'closed';
  const refresh = async () => {
    await q.refetch();
    await queryClient.invalidateQueries({ queryKey: ticketsKey, refetchType: 'none' });
  };
  const onConflict = (e: unknown) => {
    if (e instanceof ApiError && e.code === 'VERSION_CONFLICT') {
      modal.warning({
        title: t('tickets:conflict.title'),
        content: t('tickets:conflict.body'),
        okText: t('tickets:conflict.reload'),
        onOk: () => q.refetch(),
      });
      return true;
    }
    return false;
  };
  const setStatus = async (status: NonNullable<Parameters<typeof updateTicket>[1]['status']>) => {
    try {
      await updateTicket(tk.id, { version: tk.version, status });
      message.success(t(`tickets:status.${status}`));
      await refresh();
    } catch (e) {
      if (!onConflict(e)) showError(e);
    }
  };
  const confirmStatus = (status: 'resolved' | 'closed') =>
    Modal.confirm({
      title: t(`tickets:actions.confirm.${status}`),
      onOk: () => setStatus(status),
      okButtonProps: { 'data-testid': 'confirm-ok' } as Record<string, string>,
    });
  const isOpen = !['resolved', 'closed'].includes(tk.status);
  // 内转外不转: the server says whether the caller faces the customer (reply, resolve, close) or answers the owner.
  const { allowed } = detail;
  const ownerLabel = personLabel(detail, tk.firstContactOwnerId) ?? tk.firstContactOwnerName ?? '—';
  return (
    <>
      <Card size="small" style={{ marginBottom: 12 }} data-testid="ticket-header">
        <Flex justify="space-between" align="flex-start" wrap gap={12}>
          <div>
            <Space size={8} wrap>
              <Typography.Text type="secondary" copyable data-testid="ticket-number">
                {tk.number}
              </Typography.Text>
              <StatusTag status={tk.status} />
              <TypeTag type={tk.type} />
              <PriorityTag priority={tk.priority} />
              {tk.complaint?.source === 'regulator_hotline' && <Tag color="red">12386</Tag>}
            </Space>
            <Typography.Title level={4} style={{ margin: '6px 0 0' }} data-testid="ticket-subject-title">
              {tk.subject}
            </Typography.Title>
          </div>
          {canWrite && (
            <Space wrap>
              {allowed.handBack && (
                <Button
                  type={allowed.faceCustomer ? 'default' : 'primary'}
                  icon={<RollbackOutlined />}
                  onClick={() => setHandingBack(true)}
                  data-testid="hand-back-open"
                >
                  {t('tickets:handBack.action')}
                </Button>
              )}
              {allowed.transfer && (
                <Button
                  icon={<SwapOutlined />}
                  onClick={() => setTransferring(true)}
                  disabled={tk.status === 'closed'}
                  data-testid="transfer-open"
                >
                  {t('tickets:transfer.action')}
                </Button>
              )}
              {allowed.faceCustomer && isOpen && tk.status !== 'waiting_customer' && (
                <Button onClick={() => setStatus('waiting_customer')} data-testid="status-waiting">
                  {t('tickets:actions.waitCustomer')}
                </Button>
              )}
              {allowed.faceCustomer &&
                (tk.status === 'waiting_customer' ||
                  tk.status === 'waiting_internal' ||
                  tk.status === 'new') && (
                  <Button onClick={() => setStatus('open')} data-testid="status-open">
                    {t('tickets:actions.open')}
                  </Button>
                )}
              {allowed.faceCustomer && isOpen && (
                <Button type="primary" onClick={() => confirmStatus('resolved')} data-testid="status-resolve">
                  {t('tickets:actions.resolve')}
                </Button>
              )}
              {allowed.faceCustomer && tk.status === 'resolved' && (
                <>
                  <Button onClick={() => setStatus('reopened')} data-testid="status-reopen">
                    {t('tickets:actions.reopen')}
                  </Button>
                  <Button type="primary" onClick={() => confirmStatus('closed')} data-testid="status-close">
                    {t('tickets:actions.close')}
                  </Button>
                </>
              )}
            </Space>
          )}
        </Flex>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('tickets:fields.customer')}>
            {tk.customerId ? (
              <Link to={`/customers/${tk.customerId}`} data-testid="ticket-customer-link">
                {tk.contactName ?? `#${tk.customerId}`}
              </Link>
            ) : (
              (tk.contactName ?? '—')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.owner')}>
            <span data-testid="ticket-owner">{ownerLabel}</span>
            {tk.firstContactOwnerId === me.id && (
              <Tag style={{ marginInlineStart: 6 }}>{t('tickets:fields.me')}</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.assignee')}>
            <span data-testid="ticket-assignee">
              {[
                tk.assigneeName,
                tk.teamId ? teams.get(tk.teamId)?.name : null,
                tk.departmentId ? depts.get(tk.departmentId)?.name : null,
              ]
                .filter(Boolean)
                .join(' · ') || t('tickets:fields.unassigned')}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.channel')}>
            {t(`tickets:channel.${tk.channel}`, { defaultValue: tk.channel })}
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.receivedAt')}>{fmt(tk.receivedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.contactPhone')}>
            <Space size={6}>
              <span data-testid="ticket-contact-phone">{tk.contactPhone ?? '—'}</span>
              {/* 拨打: the full number of this ticket's contact, for whoever works it (the server decides) */}
              {can('customer.dial') &&
                detail.allowed.transfer &&
                tk.status !== 'closed' &&
                (tk.contactPhone || tk.customerId) && (
                  <CallButton target={{ purpose: 'ticket', ticketId: tk.id }} />
                )}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.contactEmail')}>
            {tk.contactEmail ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('tickets:fields.resolvedAt')}>{fmt(tk.resolvedAt)}</Descriptions.Item>
        </Descriptions>
      </Card>
      {canWrite && !allowed.faceCustomer && (
        <Alert
          style={{ marginBottom: 12 }}
          type="info"
          showIcon
          data-testid="department-view"
          message={t('tickets:handBack.departmentView', { owner: ownerLabel })}
        />
      )}
      <div style={{ marginBottom: 12 }}>
        <SlaClocks detail={detail} />
      </div>
      {tk.rating && (
        <Alert
          style={{ marginBottom: 12 }}
          type={tk.rating.score >= 4 ? 'success' : tk.rating.score >= 3 ? 'info' : 'warning'}
          data-testid="ticket-rating"
          message={
            <Space>
              {t('tickets:rating.title')}
              <Rate disabled value={tk.rating.score} />
              <span data-testid="ticket-rating-score">
                {t('tickets:rating.score', { score: tk.rating.score })}
              </span>
              {tk.rating.ratedAt && (
                <Typography.Text type="secondary">{fmt(tk.rating.ratedAt)}</Typography.Text>
              )}
            </Space>
          }
          description={tk.rating.comment || undefined}
        />
      )}
      <Row gutter={12}>
        <Col xs={24} xl={15}>
          <Flex vertical gap={12}>
            <Thread detail={detail} canWrite={canWrite} onSent={refresh} />
            {tk.complaint && (
              <ComplaintCard detail={detail} canWrite={canWrite} onSaved={refresh} onConflict={onConflict} />
            )}
          </Flex>
        </Col>
        <Col xs={24} xl={9}>
          <Flex vertical gap={12}>
            <Hops detail={detail} />
            <Knowledge detail={detail} canWrite={canWrite} onChange={refresh} />
            <Attachments detail={detail} canWrite={canWrite} onChange={refresh} />
            <Events detail={detail} />
          </Flex>
        </Col>
      </Row>
      <HandBackDialog
        ticket={tk}
        ownerLabel={ownerLabel}
        open={handingBack}
        onClose={() => setHandingBack(false)}
        onConflict={onConflict}
        onDone={async () => {
          setHandingBack(false);
          message.success(t('tickets:handBack.done'));
          await refresh();
        }}
      />
      <TransferDialog
        ticket={tk}
        open={transferring}
        onClose={() => setTransferring(false)}
        onConflict={onConflict}
        onDone={async () => {
          setTransferring(false);
          message.success(t('tickets:transfer.done'));
          await refresh();
        }}
      />
    </>
  );
}
