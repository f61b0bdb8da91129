// 服务目录 and 服务包: service items (name, description, channel, frequency, owner department, unit cost, standard)
// and packages bundling items, bound to tiers or segments; the fulfilment scheduler run on demand.
import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { byId, useDepartments } from '../../app/lookups';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { ActiveTag } from '../../app/ui/StatusTag';
import {
  CHANNELS,
  FREQUENCIES,
  PACKAGE_KINDS,
  type ServiceItem,
  type ServicePackage,
  TASK_KINDS,
  useItems,
  usePackages,
} from './api';

function ItemDialog(props: { item: ServiceItem | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const showError = useShowError();
  const deps = useDepartments();
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return props.item
        ? call(
            api.PATCH('/api/service-items/{id}', {
              params: { path: { id: props.item.id } },
              body: { ...v, version: props.item.version },
            }),
          )
        : call(api.POST('/api/service-items', { body: v }));
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['service-items'] });
      qc.invalidateQueries({ queryKey: ['service-packages'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={props.open}
      title={t(props.item ? 'programs:catalogue.editItem' : 'programs:catalogue.newItem')}
      onCancel={props.onClose}
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
      destroyOnHidden
      okButtonProps={{ id: 'item-save' }}
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          props.item ?? {
            channel: 'phone',
            frequency: 'quarterly',
            taskKind: 'call',
            assignTo: 'owner',
            unitCost: 0,
            createsTasks: true,
          }
        }
      >
        <Space>
          <Form.Item name="code" label={t('programs:catalogue.code')} rules={[{ required: true }]}>
            <Input data-testid="item-code" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="name" label={t('programs:catalogue.name')} rules={[{ required: true }]}>
            <Input data-testid="item-name" style={{ width: 380 }} />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('programs:catalogue.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="channel" label={t('programs:catalogue.channel')}>
            <Select
              style={{ width: 140 }}
              options={CHANNELS.map((c) => ({ value: c, label: t(`programs:channels.${c}`) }))}
            />
          </Form.Item>
          <Form.Item name="frequency" label={t('programs:catalogue.frequency')}>
            <Select
              style={{ width: 140 }}
              data-testid="item-frequency"
              options={FREQUENCIES.map((c) => ({ value: c, label: t(`programs:frequencies.${c}`) }))}
            />
          </Form.Item>
          <Form.Item name="taskKind" label={t('programs:catalogue.taskKind')}>
            <Select
              style={{ width: 140 }}
              options={TASK_KINDS.map((c) => ({ value: c, label: t(`programs:taskKinds.${c}`) }))}
            />
          </Form.Item>
          <Form.Item name="assignTo" label={t('programs:catalogue.assignTo')}>
            <Select
              style={{ width: 140 }}
              options={['owner', 'department'].map((c) => ({
                value: c,
                label: t(`programs:catalogue.assignTos.${c}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="ownerDepartmentId" label={t('programs:catalogue.ownerDepartment')}>
            <Select
              allowClear
              style={{ width: 160 }}
              options={(deps.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
          <Form.Item name="unitCost" label={t('programs:catalogue.unitCost')}>
            <InputNumber min={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="createsTasks" label={t('programs:catalogue.createsTasks')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Form.Item name="standard" label={t('programs:catalogue.standard')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PackageDialog(props: { pkg: ServicePackage | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const showError = useShowError();
  const items = useItems();
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: () => call(api.GET('/api/tiers')) });
  const segments = useQuery({ queryKey: ['segments'], queryFn: () => call(api.GET('/api/segments')) });
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return props.pkg
        ? call(
            api.PATCH('/api/service-packages/{id}', {
              params: { path: { id: props.pkg.id } },
              body: { ...v, version: props.pkg.version },
            }),
          )
        : call(api.POST('/api/service-packages', { body: v }));
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['service-packages'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  const p = props.pkg;
  return (
    <Modal
      open={props.open}
      title={t(p ? 'programs:catalogue.editPackage' : 'programs:catalogue.newPackage')}
      onCancel={props.onClose}
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
      destroyOnHidden
      okButtonProps={{ id: 'package-save' }}
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          p
            ? { ...p, itemIds: p.items.map((i) => i.id) }
            : { kind: 'vip', itemIds: [], tiers: [], segmentIds: [], active: true }
        }
      >
        <Space>
          <Form.Item name="code" label={t('programs:catalogue.code')} rules={[{ required: true }]}>
            <Input data-testid="package-code" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="name" label={t('programs:catalogue.name')} rules={[{ required: true }]}>
            <Input data-testid="package-name" style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="kind" label={t('programs:catalogue.kind')}>
            <Select
              style={{ width: 130 }}
              options={PACKAGE_KINDS.map((k) => ({ value: k, label: t(`programs:packageKinds.${k}`) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('programs:catalogue.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="itemIds" label={t('programs:catalogue.items')}>
          <Select
            mode="multiple"
            data-testid="package-items"
            showSearch={{ optionFilterProp: 'label' }}
            options={(items.data?.items ?? []).map((i) => ({
              value: i.id,
              label: `${i.name} (${t(`programs:frequencies.${i.frequency}`)})`,
            }))}
          />
        </Form.Item>
        <Form.Item name="tiers" label={t('programs:catalogue.boundTiers')}>
          <Select
            mode="multiple"
            data-testid="package-tiers"
            options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.code, label: x.name }))}
          />
        </Form.Item>
        <Form.Item name="segmentIds" label={t('programs:catalogue.boundSegments')}>
          <Select
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
        </Form.Item>
        <Form.Item name="active" label={t('programs:catalogue.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function CataloguePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const manage = can('service.manage');
  const showError = useShowError();
  const items = useItems();
  const packages = usePackages();
  const deps = byId(useDepartments().data);
  const segments = useQuery({ queryKey: ['segments'], queryFn: () => call(api.GET('/api/segments')) });
  const segName = byId(segments.data?.items);
  const [item, setItem] = useState<{ item: ServiceItem | null } | null>(null);
  const [pkg, setPkg] = useState<{ pkg: ServicePackage | null } | null>(null);
  const [tab, setTab] = useState('packages');
  const run = useMutation({
    mutationFn: () => call(api.POST('/api/service-schedule/run', { body: {} })),
    onSuccess: (r) => message.success(t('programs:catalogue.scheduled', { created: r.created })),
    onError: (e) => showError(e),
  });
  return (
    <>
      <PageHeader
        title={t('programs:catalogue.title')}
        extra={
          manage && (
            <Space>
              <Button
                icon={<PlayCircleOutlined />}
                loading={run.isPending}
                onClick={() => run.mutate()}
                data-testid="schedule-run"
              >
                {t('programs:catalogue.runSchedule')}
              </Button>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => (tab === 'items' ? setItem({ item: null }) : setPkg({ pkg: null }))}
                data-testid={tab === 'items' ? 'item-new' : 'package-new'}
              >
                {t(tab === 'items' ? 'programs:catalogue.newItem' : 'programs:catalogue.newPackage')}
              </Button>
            </Space>
          )
        }
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'packages',
              label: t('programs:catalogue.packages'),
              children: (
                <Table
                  rowKey="id"
                  loading={packages.isLoading}
                  dataSource={packages.data?.items ?? []}
                  pagination={false}
                  data-testid="packages-table"
                  columns={[
                    { title: t('programs:catalogue.name'), dataIndex: 'name' },
                    {
                      title: t('programs:catalogue.kind'),
                      dataIndex: 'kind',
                      render: (v: string) => (
                        <Tag color={v === 'vip' ? 'gold' : undefined}>{t(`programs:packageKinds.${v}`)}</Tag>
                      ),
                    },
                    {
                      title: t('programs:catalogue.items'),
                      key: 'items',
                      render: (_, r) =>
                        r.items.map((i) => (
                          <Tag key={i.id}>{`${i.name} · ${t(`programs:frequencies.${i.frequency}`)}`}</Tag>
                        )),
                    },
                    {
                      title: t('programs:catalogue.boundTo'),
                      key: 'bound',
                      render: (_, r) => (
                        <>
                          {r.tiers.map((x) => (
                            <Tag color="blue" key={x}>
                              {x}
                            </Tag>
                          ))}
                          {r.segmentIds.map((s) => (
                            <Tag color="purple" key={s}>
                              {segName.get(s)?.name ?? `#${s}`}
                            </Tag>
                          ))}
                        </>
                      ),
                    },
                    {
                      title: t('programs:catalogue.active'),
                      dataIndex: 'active',
                      render: (v: boolean) => <ActiveTag active={v} />,
                    },
                    {
                      key: 'edit',
                      render: (_, r) =>
                        manage && (
                          <Button size="small" onClick={() => setPkg({ pkg: r })}>
                            {t('common:actions.edit')}
                          </Button>
                        ),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'items',
              label: t('programs:catalogue.itemsTab'),
              children: (
                <Table
                  rowKey="id"
                  loading={items.isLoading}
                  dataSource={items.data?.items ?? []}
                  pagination={false}
                  columns={[
                    { title: t('programs:catalogue.code'), dataIndex: 'code' },
                    { title: t('programs:catalogue.name'), dataIndex: 'name' },
                    {
                      title: t('programs:catalogue.channel'),
                      dataIndex: 'channel',
                      render: (v) => t(`programs:channels.${v}`),
                    },
                    {
                      title: t('programs:catalogue.frequency'),
                      dataIndex: 'frequency',
                      render: (v) => t(`programs:frequencies.${v}`),
                    },
                    {
                      title: t('programs:catalogue.ownerDepartment'),
                      dataIndex: 'ownerDepartmentId',
                      render: (v: number | null) => (v ? deps.get(v)?.name : null),
                    },
                    { title: t('programs:catalogue.unitCost'), dataIndex: 'unitCost', align: 'right' },
                    { title: t('programs:catalogue.standard'), dataIndex: 'standard', ellipsis: true },
                    {
                      title: t('programs:catalogue.active'),
                      dataIndex: 'active',
                      render: (v: boolean) => <ActiveTag active={v} />,
                    },
                    {
                      key: 'edit',
                      render: (_, r) =>
                        manage && (
                          <Button size="small" onClick={() => setItem({ item: r })}>
                            {t('common:actions.edit')}
                          </Button>
                        ),
                    },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
      {item && <ItemDialog open item={item.item} onClose={() => setItem(null)} />}
      {pkg && <PackageDialog open pkg={pkg.pkg} onClose={() => setPkg(null)} />}
    </>
  );
}
