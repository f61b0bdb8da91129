// Create and edit a customer: individual / organisation switch with the right fields for each, contacts,
// investment profile, relationship and the custom fields of that kind. Field errors from the server go under
// the fields (custom.<key>, contacts.<n>.<field> included); a version conflict reloads the record.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api, call } from '../../app/api/client';
import { errorText, fieldReasonText } from '../../app/errors';
import { useBranches } from '../../app/lookups';
import { useCan, useMe } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import {
  type Customer,
  type CustomerCreate,
  type CustomField,
  customersKey,
  GENDERS,
  ID_TYPES,
  PURPOSES,
  RISK_LEVELS,
  STATUSES,
  useCustomFields,
} from './api';

type Kind = 'individual' | 'organisation';
type Values = Record<string, any>;

const orNull = (v: unknown): string | null => (typeof v === 'string' ? v.trim() || null : null);

function toValues(c: Customer | null, branchId: number): Values {
  if (!c) return { kind: 'individual', status: 'prospect', branchId, tags: [], contacts: [], custom: {} };
  const custom: Values = {};
  for (const [k, v] of Object.entries(c.custom))
    custom[k] = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? dayjs(v) : v;
  return {
    ...c,
    birthDate: c.birthDate ? dayjs(c.birthDate) : null,
    assetsUnderCustody: c.assetsUnderCustody == null ? null : Number(c.assetsUnderCustody),
    profile: c.profile,
    relationship: c.relationship,
    custom,
  };
}

function toBody(v: Values, fields: CustomField[]): Omit<CustomerCreate, 'code' | 'kind' | 'name'> {
  const custom: Record<string, unknown> = {};
  for (const f of fields) {
    const x = v.custom?.[f.key];
    if (x === undefined) continue;
    custom[f.key] = dayjs.isDayjs(x) ? (x as Dayjs).format('YYYY-MM-DD') : x === '' ? null : x;
  }
  const text = (o: Values | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).map(([k, x]) => [k, Array.isArray(x) ? x : orNull(x)]));
  const ind = v.kind === 'individual';
  return {
    status: v.status,
    branchId: v.branchId,
    ownerId: v.ownerId ?? null,
    sourceChannel: orNull(v.sourceChannel),
    tier: orNull(v.tier),
    tags: v.tags ?? [],
    notes: orNull(v.notes),
    phone: orNull(v.phone),
    phoneBackup: orNull(v.phoneBackup),
    email: orNull(v.email),
    address: orNull(v.address),
    ...(ind
      ? {
          idType: v.idType ?? null,
          idNumber: orNull(v.idNumber),
          gender: v.gender ?? null,
          birthDate: v.birthDate ? (v.birthDate as Dayjs).format('YYYY-MM-DD') : null,
          occupation: orNull(v.occupation),
          employer: orNull(v.employer),
        }
      : {
          registeredName: orNull(v.registeredName),
          creditCode: orNull(v.creditCode),
          industry: orNull(v.industry),
          contacts: (v.contacts ?? []).map((c: Values) => ({
            ...(c.id ? { id: c.id } : {}),
            name: c.name,
            role: orNull(c.role),
            phone: orNull(c.phone),
            phoneBackup: orNull(c.phoneBackup),
            email: orNull(c.email),
            isPrimary: !!c.isPrimary,
          })),
        }),
    riskLevel: v.riskLevel ?? null,
    purpose: v.purpose ?? null,
    assetsUnderCustody: v.assetsUnderCustody ?? null,
    profile: text(v.profile),
    relationship: text(v.relationship),
    custom,
  };
}

/** The server's field errors under the fields: `custom.key`, `profile.x`, `contacts.0.phone`. */
export function applyServerFieldErrors(form: FormInstance, t: TFunction, err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  const list = Object.entries(err.fields).map(([name, reason]) => ({
    name: name.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    errors: [fieldReasonText(t, reason)],
  }));
  if (list.length) {
    form.setFields(list as never);
    form.scrollToField(list[0].name, { block: 'center' });
  }
  return list.length > 0;
}

function OwnerSelect(props: {
  value?: number | null;
  onChange?: (v: number | null) => void;
  name?: string | null;
}) {
  const can = useCan();
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const users = useQuery({
    queryKey: ['customers', 'owner-pick', q],
    queryFn: () => call(api.GET('/api/users', { params: { query: { q: q || undefined, limit: 50 } } })),
    enabled: can('admin.users'),
  });
  const options = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  if (props.value && props.name && !options.some((o) => o.value === props.value))
    options.unshift({ value: props.value, label: props.name });
  if (!can('admin.users')) return <Input disabled value={props.name ?? '—'} />;
  return (
    <Select
      allowClear
      showSearch
      filterOption={false}
      onSearch={setQ}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? null)}
      options={options}
      placeholder={t('customers:fields.owner')}
    />
  );
}

function CustomFieldInput({ field, t }: { field: CustomField; t: TFunction }) {
  const rules = field.required ? [{ required: true, message: t('common:validation.required') }] : [];
  const opts = field.options.map((o) => ({ value: o.value, label: o.label }));
  const input =
    field.type === 'number' ? (
      <InputNumber style={{ width: '100%' }} />
    ) : field.type === 'date' ? (
      <DatePicker style={{ width: '100%' }} />
    ) : field.type === 'single_choice' ? (
      <Select allowClear options={opts} />
    ) : field.type === 'multi_choice' ? (
      <Select mode="multiple" allowClear options={opts} />
    ) : (
      <Input />
    );
  return (
    <Col span={12}>
      <Form.Item name={['custom', field.key]} label={field.label} rules={rules}>
        {input}
      </Form.Item>
    </Col>
  );
}

function CustomerFields({ form, customer }: { form: FormInstance; customer: Customer | null }) {
  const { t } = useTranslation();
  const branches = useBranches();
  const kind: Kind = Form.useWatch('kind', form) ?? customer?.kind ?? 'individual';
  const customFields = useCustomFields(kind);
  const fl = (k: string) => t(`customers:fields.${k}`);
  const required = [{ required: true, message: t('common:validation.required') }];
  const item = (
    name: string | (string | number)[],
    label: string,
    node: React.ReactNode,
    span = 12,
    rules = [],
  ) => (
    <Col span={span}>
      <Form.Item name={name} label={label} rules={rules}>
        {node}
      </Form.Item>
    </Col>
  );

  return (
    <>
      <Form.Item name="kind" label={fl('kind')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          disabled={!!customer}
          data-testid="customer-kind"
        >
          <Radio.Button value="individual">{t('customers:kind.individual')}</Radio.Button>
          <Radio.Button value="organisation">{t('customers:kind.organisation')}</Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="code" label={fl('code')} rules={required}>
            <Input data-testid="customer-code" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="name" label={kind === 'individual' ? fl('name') : fl('orgName')} rules={required}>
            <Input data-testid="customer-name-input" />
          </Form.Item>
        </Col>
        {item(
          'status',
          fl('status'),
          <Select options={STATUSES.map((s) => ({ value: s, label: t(`customers:status.${s}`) }))} />,
        )}
        <Col span={12}>
          <Form.Item name="branchId" label={fl('branch')} rules={required}>
            <Select options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="ownerId" label={fl('owner')}>
            <OwnerSelect name={customer?.ownerName} />
          </Form.Item>
        </Col>
        {item('tier', fl('tier'), <Input />)}
        {item('sourceChannel', fl('sourceChannel'), <Input />)}
        {item('tags', fl('tags'), <Select mode="tags" />)}
      </Row>
      <Divider titlePlacement="start">{t('customers:tabs.profile')}</Divider>
      <Row gutter={16}>
        {kind === 'individual' ? (
          <>
            {item(
              'idType',
              fl('idType'),
              <Select
                allowClear
                options={ID_TYPES.map((x) => ({ value: x, label: t(`customers:idType.${x}`) }))}
              />,
            )}
            {item('idNumber', fl('idNumber'), <Input data-testid="customer-idNumber-input" />)}
            {item(
              'gender',
              fl('gender'),
              <Select
                allowClear
                options={GENDERS.map((x) => ({ value: x, label: t(`customers:gender.${x}`) }))}
              />,
            )}
            {item('birthDate', fl('birthDate'), <DatePicker style={{ width: '100%' }} />)}
            {item('occupation', fl('occupation'), <Input />)}
            {item('employer', fl('employer'), <Input />)}
            {item(['profile', 'preferences'], fl('preferences'), <Input.TextArea rows={2} />, 24)}
          </>
        ) : (
          <>
            {item('registeredName', fl('registeredName'), <Input />)}
            {item('creditCode', fl('creditCode'), <Input />)}
            {item('industry', fl('industry'), <Input />)}
            {item(['profile', 'legalRepresentative'], fl('legalRepresentative'), <Input />)}
            {item(['profile', 'financialInfo'], fl('financialInfo'), <Input.TextArea rows={2} />)}
            {item(['profile', 'taxInfo'], fl('taxInfo'), <Input.TextArea rows={2} />)}
            {item(['profile', 'orgStructure'], fl('orgStructure'), <Input.TextArea rows={2} />, 24)}
          </>
        )}
        {item('phone', fl('phone'), <Input data-testid="customer-phone-input" />)}
        {item('phoneBackup', fl('phoneBackup'), <Input />)}
        {item('email', fl('email'), <Input />)}
        {item('address', fl('address'), <Input />)}
        {item('notes', fl('notes'), <Input.TextArea rows={2} />, 24)}
      </Row>
      {kind === 'organisation' && (
        <>
          <Divider titlePlacement="start">{t('customers:tabs.contacts')}</Divider>
          <Form.List name="contacts">
            {(items, { add, remove }) => (
              <>
                {items.map((f) => (
                  <Row gutter={8} key={f.key} align="top">
                    <Col span={4}>
                      <Form.Item name={[f.name, 'name']} rules={required}>
                        <Input placeholder={t('customers:contacts.name')} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[f.name, 'role']}>
                        <Input placeholder={t('customers:contacts.role')} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[f.name, 'phone']}>
                        <Input placeholder={fl('phone')} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[f.name, 'phoneBackup']}>
                        <Input placeholder={fl('phoneBackup')} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[f.name, 'email']}>
                        <Input placeholder={fl('email')} />
                      </Form.Item>
                    </Col>
                    <Col span={3}>
                      <Form.Item name={[f.name, 'isPrimary']} valuePropName="checked">
                        <Checkbox>{t('customers:contacts.primary')}</Checkbox>
                      </Form.Item>
                    </Col>
                    <Col span={1}>
                      <MinusCircleOutlined onClick={() => remove(f.name)} style={{ marginTop: 8 }} />
                    </Col>
                  </Row>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ isPrimary: items.length === 0 })}
                >
                  {t('customers:contacts.add')}
                </Button>
              </>
            )}
          </Form.List>
        </>
      )}
      <Divider titlePlacement="start">{t('customers:tabs.investment')}</Divider>
      <Row gutter={16}>
        {item(
          'riskLevel',
          fl('riskLevel'),
          <Select allowClear options={RISK_LEVELS.map((x) => ({ value: x, label: x }))} />,
        )}
        {item(
          'purpose',
          fl('purpose'),
          <Select
            allowClear
            options={PURPOSES.map((x) => ({ value: x, label: t(`customers:purpose.${x}`) }))}
          />,
        )}
        {item(
          'assetsUnderCustody',
          fl('assetsUnderCustody'),
          <InputNumber style={{ width: '100%' }} min={0} />,
        )}
        {item(['profile', 'tradingFrequency'], fl('tradingFrequency'), <Input />)}
        {item(['profile', 'investmentNeeds'], fl('investmentNeeds'), <Input.TextArea rows={2} />)}
        {item(['profile', 'investmentExperience'], fl('investmentExperience'), <Input.TextArea rows={2} />)}
        {item(['profile', 'typicalProducts'], fl('typicalProducts'), <Select mode="tags" />, 24)}
      </Row>
      <Divider titlePlacement="start">{t('customers:tabs.relationship')}</Divider>
      <Row gutter={16}>
        {item(['relationship', 'history'], fl('relHistory'), <Input.TextArea rows={2} />)}
        {item(['relationship', 'current'], fl('relCurrent'), <Input.TextArea rows={2} />)}
        {item(['relationship', 'expected'], fl('relExpected'), <Input.TextArea rows={2} />)}
        {item(['relationship', 'competitors'], fl('competitors'), <Select mode="tags" />)}
      </Row>
      {(customFields.data ?? []).length > 0 && (
        <>
          <Divider titlePlacement="start">{t('customers:tabs.custom')}</Divider>
          <Row gutter={16}>
            {(customFields.data ?? []).map((f) => (
              <CustomFieldInput key={f.key} field={f} t={t} />
            ))}
          </Row>
        </>
      )}
    </>
  );
}

function useSubmit(form: FormInstance, customer: Customer | null, onDone: (c: Customer) => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const fields = qc.getQueryData<CustomField[]>(['custom-fields', v.kind ?? customer?.kind, false]) ?? [];
      const body = toBody(form.getFieldsValue(true), fields);
      const saved = customer
        ? await call(
            api.PATCH('/api/customers/{id}', {
              params: { path: { id: customer.id } },
              body: { ...body, code: v.code, name: v.name, version: customer.version },
            }),
          )
        : await call(
            api.POST('/api/customers', { body: { ...body, code: v.code, name: v.name, kind: v.kind } }),
          );
      message.success(t(customer ? 'common:messages.saved' : 'customers:create.created'));
      qc.setQueryData([...customersKey, saved.id], saved);
      await qc.invalidateQueries({ queryKey: customersKey });
      onDone(saved);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT' && customer) {
        Modal.warning({ title: t('customers:edit.conflict') });
        await qc.invalidateQueries({ queryKey: [...customersKey, customer.id] });
        onDone(customer);
      } else if (!applyServerFieldErrors(form, t, e)) message.error(errorText(t, e));
      else message.error(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy };
}

export function CustomerFormDialog({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const me = useMe();
  const { submit, busy } = useSubmit(form, customer, onClose);
  return (
    <Modal
      open
      width={960}
      title={t('customers:edit.title', { name: customer.name })}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      okButtonProps={{ 'data-testid': 'customer-save' } as Record<string, string>}
      styles={{ body: { maxHeight: '70vh', overflowY: 'auto', paddingRight: 8 } }}
    >
      <Form form={form} layout="vertical" initialValues={toValues(customer, me.branch.id)}>
        <CustomerFields form={form} customer={customer} />
      </Form>
    </Modal>
  );
}

export default function NewCustomerPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const me = useMe();
  const navigate = useNavigate();
  const { submit, busy } = useSubmit(form, null, (c) => navigate(`/customers/${c.id}`));
  return (
    <>
      <PageHeader title={t('customers:create.title')} />
      <Card>
        <Form
          form={form}
          layout="vertical"
          initialValues={toValues(null, me.branch.id)}
          style={{ maxWidth: 960 }}
        >
          <CustomerFields form={form} customer={null} />
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" onClick={submit} loading={busy} data-testid="customer-save">
              {t('common:actions.save')}
            </Button>
            <Button onClick={() => navigate('/customers')}>{t('common:actions.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </>
  );
}
