// One article: the text, its versions (who changed what, when), and the editor for kb.write holders.
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Timeline,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { queryClient, useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { toTree } from '../tickets/api';
import {
  ARTICLE_STATUSES,
  createArticle,
  KINDS,
  updateArticle,
  useArticle,
  useKbCategories,
  useVersions,
} from './api';

export default function ArticlePage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const navigate = useNavigate();
  const can = useCan();
  const idParam = useParams().id;
  const id = idParam ? Number(idParam) : 0;
  const isNew = !idParam;
  const article = useArticle(id);
  const versions = useVersions(id);
  const cats = useKbCategories();
  const [editing, setEditing] = useState(isNew);
  const [form] = Form.useForm();
  const [shownVersion, setShownVersion] = useState<number | null>(null);
  if (!isNew && article.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  const a = article.data;
  const startEdit = () => {
    form.setFieldsValue({ ...a, tags: a?.tags ?? [], note: '' });
    setEditing(true);
  };
  const save = async () => {
    const v = await form.validateFields();
    try {
      if (isNew) {
        const r = await createArticle(v);
        navigate(`/kb/${r.id}`, { replace: true });
      } else if (a) {
        await updateArticle(a.id, { ...v, version: a.version });
        await queryClient.invalidateQueries({ queryKey: ['kb'] });
        setEditing(false);
      }
      message.success(t('common:messages.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT')
        modal.warning({
          title: t('tickets:conflict.title'),
          content: t('tickets:conflict.body'),
          onOk: () => article.refetch(),
        });
      else showError(e, form);
    }
  };
  const old = versions.data?.find((v) => v.version === shownVersion);
  return (
    <>
      <PageHeader
        title={isNew ? t('kb:newArticle') : a?.title}
        sub={
          a && (
            <Space>
              <Tag>{t(`kb:kind.${a.kind}`)}</Tag>
              <Tag>{t(`kb:status.${a.status}`)}</Tag>v{a.version}
            </Space>
          )
        }
        extra={!editing && can('kb.write') && <Button onClick={startEdit}>{t('common:actions.edit')}</Button>}
      />
      <Row gutter={12}>
        <Col xs={24} xl={16}>
          <Card size="small">
            {editing ? (
              <Form
                form={form}
                layout="vertical"
                initialValues={{ kind: 'faq', status: 'published', tags: [] }}
              >
                <Row gutter={12}>
                  <Col span={24}>
                    <Form.Item name="title" label={t('kb:fields.title')} rules={[{ required: true }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="kind" label={t('kb:fields.kind')}>
                      <Select options={KINDS.map((k) => ({ value: k, label: t(`kb:kind.${k}`) }))} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="status" label={t('kb:fields.status')}>
                      <Select
                        options={ARTICLE_STATUSES.map((k) => ({ value: k, label: t(`kb:status.${k}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="categoryId" label={t('kb:fields.category')}>
                      <TreeSelect allowClear treeDefaultExpandAll treeData={toTree(cats.data)} />
                    </Form.Item>
                  </Col>
                  <Col span={24}>
                    <Form.Item name="tags" label={t('kb:fields.tags')}>
                      <Select mode="tags" />
                    </Form.Item>
                  </Col>
                  <Col span={24}>
                    <Form.Item name="body" label={t('kb:fields.body')} rules={[{ required: true }]}>
                      <Input.TextArea rows={14} />
                    </Form.Item>
                  </Col>
                  {!isNew && (
                    <Col span={24}>
                      <Form.Item name="note" label={t('kb:fields.note')}>
                        <Input placeholder={t('kb:notePlaceholder')} />
                      </Form.Item>
                    </Col>
                  )}
                </Row>
                <Space>
                  <Button type="primary" onClick={save}>
                    {t('common:actions.save')}
                  </Button>
                  <Button onClick={() => (isNew ? navigate('/kb') : setEditing(false))}>
                    {t('common:actions.cancel')}
                  </Button>
                </Space>
              </Form>
            ) : (
              <>
                {old && (
                  <Typography.Paragraph type="warning">
                    {t('kb:viewingVersion', { v: old.version })}{' '}
                    <Typography.Link onClick={() => setShownVersion(null)}>
                      {t('kb:backToCurrent')}
                    </Typography.Link>
                  </Typography.Paragraph>
                )}
                <div style={{ whiteSpace: 'pre-wrap', lineHeight: 1.8 }} data-testid="article-body">
                  {old ? old.body : a?.body}
                </div>
                <div style={{ marginTop: 12 }}>
                  {a?.tags.map((x) => (
                    <Tag key={x}>#{x}</Tag>
                  ))}
                </div>
              </>
            )}
          </Card>
        </Col>
        {!isNew && (
          <Col xs={24} xl={8}>
            <Card size="small" title={t('kb:versions')}>
              <Timeline
                items={(versions.data ?? []).map((v) => ({
                  key: v.version,
                  children: (
                    <div>
                      <Typography.Link onClick={() => setShownVersion(v.version)}>
                        v{v.version}
                      </Typography.Link>{' '}
                      · {v.changedByName ?? '—'} · {dayjs(v.changedAt).format('YYYY-MM-DD HH:mm')}
                      <div style={{ fontSize: 12, color: '#666' }}>{v.note || v.title}</div>
                    </div>
                  ),
                }))}
              />
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}
