// 适当性产品: the products and services offered to customers with their risk levels (R1–R5), which the match check
// compares with the customer's level (C1–C5); a suitability manager adds them.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Radio, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { queryClient, useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { ActiveTag } from '../../app/ui/StatusTag';

type Product = ApiData<'/api/suitability/products', 'get'>[number];
const RISK = ['R1', 'R2', 'R3', 'R4', 'R5'] as const;
type Values = { code: string; name: string; kind: Product['kind']; riskLevel: Product['riskLevel'] };

export default function ProductsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const q = useQuery({
    queryKey: ['suitability', 'products'],
    queryFn: () => call(api.GET('/api/suitability/products')),
  });
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await call(
        api.POST('/api/suitability/products', {
          body: { code: v.code.trim(), name: v.name.trim(), kind: v.kind, riskLevel: v.riskLevel },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['suitability', 'products'] });
      message.success(t('common:messages.saved'));
      setAdding(false);
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  return (
    <>
      <PageHeader
        title={t('outreach:suit.products.title')}
        sub={t('outreach:suit.products.sub')}
        extra={
          can('suitability.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                form.resetFields();
                setAdding(true);
              }}
              data-testid="suit-product-new"
            >
              {t('outreach:suit.products.add')}
            </Button>
          )
        }
      />
      <Card size="small">
        <Table<Product>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data}
          pagination={false}
          data-testid="suit-products"
          columns={[
            { title: t('outreach:suit.products.code'), dataIndex: 'code', width: 160 },
            { title: t('outreach:suit.products.name'), dataIndex: 'name' },
            {
              title: t('outreach:suit.products.kind'),
              dataIndex: 'kind',
              width: 120,
              render: (k: Product['kind']) => t(`outreach:suit.products.kinds.${k}`),
            },
            {
              title: t('outreach:suit.productLevel'),
              dataIndex: 'riskLevel',
              width: 120,
              render: (r: string) => <Tag color="purple">{r}</Tag>,
            },
            {
              title: t('common:status.active'),
              dataIndex: 'active',
              width: 90,
              render: (a: boolean) => <ActiveTag active={a} />,
            },
          ]}
        />
      </Card>
      <Modal
        open={adding}
        title={t('outreach:suit.products.add')}
        onCancel={() => setAdding(false)}
        onOk={save}
        confirmLoading={busy}
        okText={t('common:actions.save')}
        cancelText={t('common:actions.cancel')}
        okButtonProps={{ 'data-testid': 'suit-product-save' }}
        forceRender
      >
        <Form<Values> form={form} layout="vertical" initialValues={{ kind: 'product' }}>
          <Form.Item name="code" label={t('outreach:suit.products.code')} rules={required}>
            <Input maxLength={64} data-testid="suit-product-code" />
          </Form.Item>
          <Form.Item name="name" label={t('outreach:suit.products.name')} rules={required}>
            <Input maxLength={200} data-testid="suit-product-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('outreach:suit.products.kind')}>
            <Radio.Group
              options={(['product', 'service'] as const).map((k) => ({
                value: k,
                label: t(`outreach:suit.products.kinds.${k}`),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="riskLevel"
            label={t('outreach:suit.productLevel')}
            rules={[{ required: true, message: t('common:validation.required') }]}
          >
            <Select data-testid="suit-product-risk" options={RISK.map((r) => ({ value: r, label: r }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
