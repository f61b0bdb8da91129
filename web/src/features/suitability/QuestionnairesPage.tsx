// 风险测评问卷: the versions of the risk-tolerance questionnaire (one active), each with its questions, option
// scores and the score bands C1–C5; a suitability manager writes a new version (started from the active one), which
// becomes the active one — earlier assessments keep pointing at theirs.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiBody, type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { queryClient, useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';

type Questionnaire = ApiData<'/api/suitability/questionnaires', 'get'>[number];
type QInput = ApiBody<'/api/suitability/questionnaires', 'post'>;
const LEVELS = ['C1', 'C2', 'C3', 'C4', 'C5'] as const;
const key = ['suitability', 'questionnaires'];

const blank = (): QInput => ({
  name: '',
  validMonths: 24,
  questions: [
    {
      key: 'q1',
      text: '',
      options: [
        { key: 'a', text: '', score: 0 },
        { key: 'b', text: '', score: 1 },
      ],
    },
  ],
  bands: LEVELS.map((level, i) => ({ level, min: i * 10, max: i * 10 + 9 })),
});

function Detail({ q }: { q: Questionnaire }) {
  const { t } = useTranslation();
  return (
    <Row gutter={16}>
      <Col span={16}>
        {q.questions.map((x, i) => (
          <div key={x.key} style={{ marginBottom: 8 }}>
            <Typography.Text strong>{`${i + 1}. ${x.text}`}</Typography.Text>{' '}
            <Typography.Text type="secondary">({x.key})</Typography.Text>
            <div>
              {x.options.map((o) => (
                <Tag
                  key={o.key}
                >{`${o.text} · ${t('outreach:suit.questionnaires.points', { n: o.score })}`}</Tag>
              ))}
            </div>
          </div>
        ))}
      </Col>
      <Col span={8}>
        <Descriptions size="small" column={1} bordered title={t('outreach:suit.questionnaires.bands')}>
          {q.bands.map((b) => (
            <Descriptions.Item key={b.level} label={b.level}>{`${b.min} – ${b.max}`}</Descriptions.Item>
          ))}
        </Descriptions>
      </Col>
    </Row>
  );
}

function Editor(props: { from?: Questionnaire; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<QInput>();
  const [busy, setBusy] = useState(false);
  const from = props.from;
  const initial: QInput = from
    ? {
        name: from.name,
        validMonths: from.validMonths,
        questions: from.questions,
        bands: LEVELS.map((level) => from.bands.find((b) => b.level === level) ?? { level, min: 0, max: 0 }),
      }
    : blank();
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await call(
        api.POST('/api/suitability/questionnaires', {
          body: {
            ...v,
            name: v.name.trim(),
            bands: LEVELS.map((level, i) => ({ ...v.bands[i], level })),
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: key });
      message.success(t('common:messages.saved'));
      props.onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  const keyRules = [
    ...required,
    { pattern: /^[\w-]+$/, message: t('outreach:suit.questionnaires.keyPattern') },
  ];
  return (
    <Drawer
      open
      width={900}
      title={t('outreach:suit.questionnaires.newVersion')}
      onClose={props.onClose}
      extra={
        <Space>
          <Button onClick={props.onClose}>{t('common:actions.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={save} data-testid="questionnaire-save">
            {t('outreach:suit.questionnaires.publish')}
          </Button>
        </Space>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message={t('outreach:suit.questionnaires.publishHint')}
      />
      <Form<QInput> form={form} layout="vertical" initialValues={initial}>
        <Row gutter={12}>
          <Col span={16}>
            <Form.Item name="name" label={t('outreach:suit.questionnaires.name')} rules={required}>
              <Input maxLength={200} data-testid="questionnaire-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="validMonths"
              label={t('outreach:suit.questionnaires.validMonths')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <InputNumber min={1} max={120} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('outreach:suit.questionnaires.questions')}</Typography.Title>
        <Form.List name="questions">
          {(qs, { add, remove }) => (
            <>
              {qs.map((q, qi) => (
                <Card
                  key={q.key}
                  size="small"
                  style={{ marginBottom: 8 }}
                  title={`${qi + 1}.`}
                  extra={
                    qs.length > 1 && (
                      <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(q.name)} />
                    )
                  }
                >
                  <Row gutter={8}>
                    <Col span={5}>
                      <Form.Item
                        name={[q.name, 'key']}
                        label={t('outreach:suit.questionnaires.key')}
                        rules={keyRules}
                      >
                        <Input maxLength={40} />
                      </Form.Item>
                    </Col>
                    <Col span={19}>
                      <Form.Item
                        name={[q.name, 'text']}
                        label={t('outreach:suit.questionnaires.question')}
                        rules={required}
                      >
                        <Input maxLength={500} data-testid={`questionnaire-q-${qi}`} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.List name={[q.name, 'options']}>
                    {(os, o) => (
                      <>
                        {os.map((op) => (
                          <Flex key={op.key} gap={8} align="start">
                            <Form.Item name={[op.name, 'key']} rules={keyRules} style={{ width: 90 }}>
                              <Input maxLength={40} placeholder={t('outreach:suit.questionnaires.key')} />
                            </Form.Item>
                            <Form.Item name={[op.name, 'text']} rules={required} style={{ flex: 1 }}>
                              <Input maxLength={200} placeholder={t('outreach:suit.questionnaires.option')} />
                            </Form.Item>
                            <Form.Item
                              name={[op.name, 'score']}
                              rules={[{ required: true, message: t('common:validation.required') }]}
                              style={{ width: 110 }}
                            >
                              <InputNumber
                                min={0}
                                max={100}
                                precision={0}
                                addonAfter={t('outreach:suit.questionnaires.pointsShort')}
                              />
                            </Form.Item>
                            <Button
                              type="text"
                              icon={<DeleteOutlined />}
                              disabled={os.length <= 2}
                              onClick={() => o.remove(op.name)}
                            />
                          </Flex>
                        ))}
                        {os.length < 10 && (
                          <Button
                            size="small"
                            type="dashed"
                            icon={<PlusOutlined />}
                            onClick={() =>
                              o.add({ key: String.fromCharCode(97 + os.length), text: '', score: 0 })
                            }
                          >
                            {t('outreach:suit.questionnaires.addOption')}
                          </Button>
                        )}
                      </>
                    )}
                  </Form.List>
                </Card>
              ))}
              {qs.length < 50 && (
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  style={{ marginBottom: 16 }}
                  onClick={() =>
                    add({
                      key: `q${qs.length + 1}`,
                      text: '',
                      options: [
                        { key: 'a', text: '', score: 0 },
                        { key: 'b', text: '', score: 1 },
                      ],
                    })
                  }
                >
                  {t('outreach:suit.questionnaires.addQuestion')}
                </Button>
              )}
            </>
          )}
        </Form.List>
        <Typography.Title level={5}>{t('outreach:suit.questionnaires.bands')}</Typography.Title>
        <Typography.Paragraph type="secondary">
          {t('outreach:suit.questionnaires.bandsHint')}
        </Typography.Paragraph>
        {LEVELS.map((level, i) => (
          <Flex key={level} gap={8} align="start">
            <Tag color="blue" style={{ marginTop: 5, width: 40, textAlign: 'center' }}>
              {level}
            </Tag>
            <Form.Item
              name={['bands', i, 'min']}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <InputNumber
                min={0}
                max={1000}
                precision={0}
                addonBefore={t('outreach:suit.questionnaires.from')}
              />
            </Form.Item>
            <Form.Item
              name={['bands', i, 'max']}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <InputNumber
                min={0}
                max={1000}
                precision={0}
                addonBefore={t('outreach:suit.questionnaires.to')}
              />
            </Form.Item>
          </Flex>
        ))}
      </Form>
    </Drawer>
  );
}

export default function QuestionnairesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [editing, setEditing] = useState<{ from?: Questionnaire } | null>(null);
  const q = useQuery({ queryKey: key, queryFn: () => call(api.GET('/api/suitability/questionnaires')) });
  const active = q.data?.find((x) => x.active);
  return (
    <>
      <PageHeader
        title={t('outreach:suit.questionnaires.title')}
        sub={t('outreach:suit.questionnaires.sub')}
        extra={
          can('suitability.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing({ from: active })}
              data-testid="questionnaire-new"
            >
              {t('outreach:suit.questionnaires.newVersion')}
            </Button>
          )
        }
      />
      <Card size="small">
        <Table<Questionnaire>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data}
          pagination={false}
          data-testid="questionnaires"
          expandable={{ expandedRowRender: (r) => <Detail q={r} /> }}
          columns={[
            { title: t('outreach:suit.questionnaires.name'), dataIndex: 'name' },
            {
              title: t('outreach:suit.questionnaires.questions'),
              dataIndex: 'questions',
              width: 100,
              render: (x: Questionnaire['questions']) => x.length,
            },
            {
              title: t('outreach:suit.questionnaires.validMonths'),
              dataIndex: 'validMonths',
              width: 140,
            },
            {
              title: t('outreach:fields.createdAt'),
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => fmtDateTime(v),
            },
            {
              title: t('outreach:fields.status'),
              dataIndex: 'active',
              width: 100,
              render: (a: boolean) =>
                a ? (
                  <Tag color="green">{t('outreach:suit.questionnaires.active')}</Tag>
                ) : (
                  <Tag>{t('outreach:suit.questionnaires.earlier')}</Tag>
                ),
            },
            ...(can('suitability.manage')
              ? [
                  {
                    key: 'copy',
                    width: 120,
                    render: (_: unknown, r: Questionnaire) => (
                      <Typography.Link onClick={() => setEditing({ from: r })}>
                        {t('outreach:suit.questionnaires.copy')}
                      </Typography.Link>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {editing && <Editor from={editing.from} onClose={() => setEditing(null)} />}
    </>
  );
}
