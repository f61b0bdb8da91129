// Providers (react-query, Ant Design theme and locale) and the router: sign-in outside, every feature page inside
// the shell.
import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Result, Spin, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import zhTW from 'antd/locale/zh_TW';
import { type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { SignInPage } from './auth/SignInPage';
import type { Language } from './i18n';
import { type RegisteredRoute, registry } from './registry';
import { hasPermission, queryClient, useSession } from './session';
import { AppShell } from './shell/AppShell';
import { Forbidden } from './ui/Forbidden';
import { NotFound } from './ui/NotFound';

const antdLocales = { 'zh-CN': zhCN, 'zh-TW': zhTW, en: enUS } as const;

const CJK_FONTS: Record<Language, string> = {
  'zh-CN': "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC'",
  'zh-TW': "'PingFang TC', 'Microsoft JhengHei', 'Noto Sans CJK TC', 'Source Han Sans TC'",
  en: "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC'",
};
const fontFor = (lang: Language) =>
  `-apple-system, BlinkMacSystemFont, 'Segoe UI', ${CJK_FONTS[lang] ?? CJK_FONTS['zh-CN']}, ` +
  "'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif";

function Loading() {
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin />
    </div>
  );
}

function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <AppShell />;
}

function Guarded({ route }: { route: RegisteredRoute }) {
  const { t } = useTranslation();
  const { data: me } = useSession();
  if (!hasPermission(me, route.permission)) return <Forbidden needs={route.permission} />;
  const Page = route.Page;
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  ...registry.publicRoutes.map((r) => ({
    path: `/${r.path}`,
    element: (
      <Suspense fallback={<Loading />}>
        <r.Page />
      </Suspense>
    ),
  })),
  {
    path: '/',
    element: <RequireSession />,
    children: [
      ...registry.routes.map((r) =>
        r.path === ''
          ? { index: true, element: <Guarded route={r} /> }
          : { path: r.path, element: <Guarded route={r} /> },
      ),
      { path: '*', element: <NotFound /> },
    ],
  },
]);

function Themed({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? 'zh-CN') as Language;
  useEffect(() => {
    document.title = t('common:appName');
  }, [t]);
  return (
    <ConfigProvider
      locale={antdLocales[lang] ?? zhCN}
      componentSize="middle"
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: { fontFamily: fontFor(lang), colorPrimary: '#1668dc', borderRadius: 6, fontSize: 14 },
        components: {
          Layout: { headerHeight: 52, headerPadding: '0 20px', siderBg: '#001529' },
          Table: { cellPaddingBlock: 10, cellPaddingInline: 12 },
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Themed>
        <RouterProvider router={router} />
      </Themed>
    </QueryClientProvider>
  );
}
