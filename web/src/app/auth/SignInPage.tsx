// Sign-in: username and password; clear messages for a wrong password, a locked account (with the time it opens
// again) and missing fields.
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { applyFieldErrors, errorText } from '../errors';
import { setSignedIn, useSession } from '../session';
import { LanguageSwitch } from '../shell/LanguageSwitch';

type Values = { username: string; password: string };

function safeNext(next: string | null) {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (session.data) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const me = await call(api.POST('/api/auth/login', { body: v }));
      await setSignedIn(me);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      if (!applyFieldErrors(form, t, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex
      vertical
      style={{
        minHeight: '100vh',
        background: 'linear-gradient(135deg, #e8f0fe 0%, #f5f7fa 55%, #eef6f0 100%)',
      }}
    >
      <Flex justify="flex-end" style={{ padding: '12px 20px' }}>
        <LanguageSwitch />
      </Flex>
      <Flex flex={1} align="center" justify="center" style={{ paddingBottom: 80 }}>
        <Card style={{ width: 380, boxShadow: '0 8px 24px rgba(0,0,0,0.06)' }}>
          <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('common:appName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('auth:tagline')}</Typography.Text>
          </Flex>
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 16 }}
              data-testid="sign-in-error"
            />
          )}
          <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} size="large">
            <Form.Item
              name="username"
              label={t('auth:username')}
              rules={[{ required: true, whitespace: true, message: t('auth:usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="username" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('auth:password')}
              rules={[{ required: true, message: t('auth:passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                data-testid="password"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">
              {t('auth:signIn')}
            </Button>
          </Form>
        </Card>
      </Flex>
    </Flex>
  );
}
