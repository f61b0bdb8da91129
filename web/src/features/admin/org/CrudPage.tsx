// A small list + create/edit dialog used by the organisation pages (branches, departments, teams).
import { PlusOutlined } from '@ant-design/icons';
import type { UseQueryResult } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, type FormInstance, Modal, Table, type TableColumnsType } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../../app/errors';
import { PageHeader } from '../../../app/ui/PageHeader';

export interface CrudPageProps<T extends { id: number }, V> {
  title: string;
  createLabel: string;
  editLabel: string;
  query: UseQueryResult<T[]>;
  queryKey: readonly unknown[];
  columns: TableColumnsType<T>;
  /** Form fields; gets the row being edited (null when creating) and the form. */
  fields: (row: T | null, form: FormInstance<V>) => ReactNode;
  toValues: (row: T) => Partial<V>;
  defaults: Partial<V>;
  save: (row: T | null, values: V) => Promise<unknown>;
  canCreate?: boolean;
}

export function CrudPage<T extends { id: number }, V extends object>(p: CrudPageProps<T, V>) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [form] = Form.useForm<V>();
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const row = editing === 'new' ? null : editing;

  const open = (r: T | 'new') => {
    form.resetFields();
    form.setFieldsValue((r === 'new' ? p.defaults : p.toValues(r)) as any);
    setEditing(r);
  };
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await p.save(row, v);
      message.success(t('common:messages.saved'));
      setEditing(null);
      qc.invalidateQueries({ queryKey: p.queryKey });
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={p.title}
        extra={
          p.canCreate !== false && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
              {p.createLabel}
            </Button>
          )
        }
      />
      <Card>
        <Table<T>
          rowKey="id"
          loading={p.query.isPending}
          dataSource={p.query.data ?? []}
          pagination={false}
          columns={[
            ...p.columns,
            {
              title: t('common:actions.title'),
              key: 'actions',
              width: 100,
              render: (_, r) => (
                <Button type="link" size="small" onClick={() => open(r)}>
                  {t('common:actions.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={row ? p.editLabel : p.createLabel}
        onOk={submit}
        onCancel={() => setEditing(null)}
        confirmLoading={busy}
        okText={t('common:actions.save')}
        cancelText={t('common:actions.cancel')}
        forceRender
      >
        <Form form={form} layout="vertical">
          {editing !== null && p.fields(row, form)}
        </Form>
      </Modal>
    </>
  );
}
