// A role's name, description and permissions, the catalogue shown as grouped checkboxes. Built-in: read only.
import { useQuery } from '@tanstack/react-query';
import { App, Card, Checkbox, Col, Form, Input, Modal, Row, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { type Role, roleLabel } from '../../../app/lookups';

type Values = { code: string; name: string; description?: string; permissions: string[] };

export function RoleDialog(props: {
  role: Role | null;
  /** When creating: start from this role's permissions (copy of a built-in role). */
  template?: Role;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { role, template } = props;
  const readOnly = !!role?.builtin;
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const { message } = App.useApp();
  const catalogue = useQuery({
    queryKey: ['admin', 'permissions'],
    queryFn: () => call(api.GET('/api/permissions')),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const required = [{ required: true, message: t('common:validation.required') }];

  const submit = async () => {
    if (readOnly) return props.onClose();
    const v = await form.validateFields();
    setBusy(true);
    try {
      const body = {
        name: v.name,
        description: v.description?.trim() || null,
        permissions: v.permissions ?? [],
      };
      if (role) await call(api.PATCH('/api/roles/{id}', { params: { path: { id: role.id } }, body }));
      else await call(api.POST('/api/roles', { body: { ...body, code: v.code } }));
      message.success(t('common:messages.saved'));
      props.onSaved();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  const title = role
    ? readOnly
      ? t('admin:roles.viewTitle', { name: roleLabel(t, role.code, role.name) })
      : t('admin:roles.editTitle', { name: role.name })
    : t('admin:roles.create');

  return (
    <Modal
      open
      width={820}
      title={title}
      onOk={submit}
      onCancel={props.onClose}
      confirmLoading={busy}
      okText={readOnly ? t('common:actions.close') : t('common:actions.save')}
      cancelButtonProps={readOnly ? { style: { display: 'none' } } : undefined}
      cancelText={t('common:actions.cancel')}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        disabled={readOnly}
        initialValues={
          role
            ? {
                ...role,
                name: readOnly ? roleLabel(t, role.code, role.name) : role.name,
                description: readOnly
                  ? t(`common:roleDescriptions.${role.code}`, { defaultValue: role.description ?? '' })
                  : (role.description ?? ''),
              }
            : { permissions: template?.permissions ?? [] }
        }
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              name="code"
              label={t('admin:roles.code')}
              rules={role ? [] : required}
              extra={role ? undefined : t('admin:roles.codeRule')}
            >
              <Input disabled={!!role} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label={t('admin:roles.name')} rules={required}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('admin:roles.description')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} />
        </Form.Item>
        <Form.Item name="permissions" label={t('admin:roles.permissions')}>
          {catalogue.isPending ? (
            <Spin />
          ) : (
            <Checkbox.Group style={{ width: '100%' }}>
              <Row gutter={[12, 12]} style={{ width: '100%' }}>
                {Object.entries(catalogue.data ?? {}).map(([group, perms]) => (
                  <Col span={12} key={group}>
                    <Card size="small" title={t(`permissions:groups.${group}`, { defaultValue: group })}>
                      <Row gutter={[8, 4]}>
                        {perms.map((p) => (
                          <Col span={12} key={p}>
                            <Checkbox value={p}>{t(`permissions:names.${p}`, { defaultValue: p })}</Checkbox>
                          </Col>
                        ))}
                      </Row>
                    </Card>
                  </Col>
                ))}
              </Row>
            </Checkbox.Group>
          )}
        </Form.Item>
      </Form>
    </Modal>
  );
}
