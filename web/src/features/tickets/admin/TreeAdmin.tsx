// A category tree (ticket categories, root-cause categories): add, rename, move under a parent, deactivate.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Space, Switch, Tree, TreeSelect, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { queryClient } from '../../../app/session';
import { PageHeader } from '../../../app/ui/PageHeader';
import { type TreeNode, toTree } from '../api';

type Path = '/api/ticket-categories' | '/api/root-cause-categories';

export function TreeAdmin({ path, title, sub }: { path: Path; title: string; sub: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm();
  const [editing, setEditing] = useState<TreeNode | 'new' | null>(null);
  const q = useQuery({ queryKey: ['lookup', path.slice(5)], queryFn: () => call(api.GET(path)) });
  const save = async () => {
    const v = await form.validateFields();
    try {
      if (editing === 'new')
        await call(api.POST(path, { body: { name: v.name, parentId: v.parentId ?? null } }));
      else if (editing)
        await call(
          api.PATCH(`${path}/{id}`, {
            params: { path: { id: editing.id } },
            body: { name: v.name, active: v.active },
          }),
        );
      await queryClient.invalidateQueries({ queryKey: ['lookup', path.slice(5)] });
      message.success(t('common:messages.saved'));
      setEditing(null);
    } catch (e) {
      showError(e, form);
    }
  };
  return (
    <>
      <PageHeader
        title={title}
        sub={sub}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields();
              setEditing('new');
            }}
          >
            {t('tickets:admin.addCategory')}
          </Button>
        }
      />
      <Card size="small">
        <Tree
          defaultExpandAll
          key={q.data?.length}
          treeData={toTree(q.data).map(function label(n): object {
            return {
              key: n.key,
              title: (
                <Space>
                  <Typography.Text delete={!n.row.active}>{n.title}</Typography.Text>
                  <Typography.Link
                    onClick={() => {
                      form.setFieldsValue({ name: n.row.name, active: n.row.active });
                      setEditing(n.row);
                    }}
                  >
                    {t('common:actions.edit')}
                  </Typography.Link>
                </Space>
              ),
              children: n.children.map(label),
            };
          })}
        />
      </Card>
      <Modal open={!!editing} title={title} onCancel={() => setEditing(null)} onOk={save} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('tickets:admin.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          {editing === 'new' ? (
            <Form.Item name="parentId" label={t('tickets:admin.parent')}>
              <TreeSelect allowClear treeDefaultExpandAll treeData={toTree(q.data)} />
            </Form.Item>
          ) : (
            <Form.Item name="active" label={t('tickets:admin.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
