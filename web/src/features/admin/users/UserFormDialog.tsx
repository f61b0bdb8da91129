// Create or edit a staff account. The server decides what is allowed (scope, roles one may grant); we show its answer.
import { App, Col, Form, Input, Modal, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { LANGUAGES } from '../../../app/i18n';
import { roleLabel, useBranches, useDepartments, useRoles, useTeams } from '../../../app/lookups';
import { createUser, type User, updateUser } from './api';

type Values = {
  username: string;
  password: string;
  displayName: string;
  branchId: number;
  departmentId: number;
  teamId?: number | null;
  roles: string[];
  email?: string;
  phone?: string;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  status: 'active' | 'disabled';
};

const orNull = (v?: string | null) => (v?.trim() ? v.trim() : null);

export function UserFormDialog(props: { user: User | null; onClose: () => void; onSaved: () => void }) {
  const { user } = props;
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const { message } = App.useApp();
  const branches = useBranches();
  const departments = useDepartments();
  const teams = useTeams();
  const roles = useRoles();
  const branchId = Form.useWatch('branchId', form);
  const departmentId = Form.useWatch('departmentId', form);
  const required = [{ required: true, message: t('common:validation.required') }];

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    const fields = {
      displayName: v.displayName,
      branchId: v.branchId,
      departmentId: v.departmentId,
      teamId: v.teamId ?? null,
      roles: v.roles ?? [],
      email: orNull(v.email),
      phone: orNull(v.phone),
      locale: v.locale,
    };
    try {
      if (user) await updateUser(user.id, { ...fields, status: v.status, version: user.version });
      else await createUser({ ...fields, username: v.username, password: v.password });
      message.success(t(user ? 'common:messages.saved' : 'admin:users.created'));
      props.onSaved();
    } catch (e) {
      showError(e, form);
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT') props.onSaved();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={user ? t('admin:users.editTitle', { name: user.displayName }) : t('admin:users.create')}
      onOk={submit}
      onCancel={props.onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      okButtonProps={{ 'data-testid': 'user-save' } as Record<string, string>}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          user
            ? { ...user, email: user.email ?? '', phone: user.phone ?? '' }
            : { locale: 'zh-CN', roles: [], status: 'active' }
        }
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="username" label={t('admin:fields.username')} rules={user ? [] : required}>
              <Input disabled={!!user} autoComplete="off" data-testid="user-username" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="displayName" label={t('admin:fields.displayName')} rules={required}>
              <Input data-testid="user-displayName" />
            </Form.Item>
          </Col>
          {!user && (
            <Col span={12}>
              <Form.Item
                name="password"
                label={t('admin:fields.initialPassword')}
                extra={t('common:user.passwordRule')}
                rules={required}
              >
                <Input.Password autoComplete="new-password" data-testid="user-password" />
              </Form.Item>
            </Col>
          )}
          <Col span={12}>
            <Form.Item name="branchId" label={t('admin:fields.branch')} rules={required}>
              <Select
                data-testid="user-branch"
                options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
                onChange={() => form.setFieldsValue({ departmentId: undefined, teamId: null })}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="departmentId" label={t('admin:fields.department')} rules={required}>
              <Select
                data-testid="user-department"
                options={(departments.data ?? [])
                  .filter((d) => d.active && (d.branchId == null || d.branchId === branchId))
                  .map((d) => ({ value: d.id, label: d.name }))}
                onChange={() => form.setFieldsValue({ teamId: null })}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="teamId" label={t('admin:fields.team')}>
              <Select
                allowClear
                options={(teams.data ?? [])
                  .filter(
                    (tm) => tm.branchId === branchId && (!departmentId || tm.departmentId === departmentId),
                  )
                  .map((tm) => ({ value: tm.id, label: tm.name }))}
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="roles" label={t('admin:fields.roles')}>
              <Select
                mode="multiple"
                data-testid="user-roles"
                options={(roles.data ?? []).map((r) => ({
                  value: r.code,
                  label: roleLabel(t, r.code, r.name),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="email"
              label={t('admin:fields.email')}
              rules={[{ type: 'email', message: t('common:validation.email') }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="phone" label={t('admin:fields.phone')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="locale" label={t('admin:fields.locale')}>
              <Select options={LANGUAGES.map((l) => ({ value: l, label: t(`common:languages.${l}`) }))} />
            </Form.Item>
          </Col>
          {user && (
            <Col span={12}>
              <Form.Item name="status" label={t('admin:fields.status')}>
                <Select
                  options={[
                    { value: 'active', label: t('admin:users.status.active') },
                    { value: 'disabled', label: t('admin:users.status.disabled') },
                  ]}
                />
              </Form.Item>
            </Col>
          )}
        </Row>
      </Form>
    </Modal>
  );
}
