// 简体中文 / 繁體中文 / English: applies at once; remembered per user (PATCH /api/me) and in this browser.
import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../errors';
import { LANGUAGES, type Language } from '../i18n';
import { useChangeLanguage } from '../session';

export function LanguageSwitch({ light }: { light?: boolean }) {
  const { t, i18n } = useTranslation();
  const change = useChangeLanguage();
  const showError = useShowError();
  const current = (i18n.resolvedLanguage ?? 'zh-CN') as Language;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: LANGUAGES.map((l) => ({
          key: l,
          label: t(`common:languages.${l}`),
          'data-testid': `lang-${l}`,
        })),
        onClick: ({ key }) => change(key as Language).catch(showError),
      }}
    >
      <Button
        type="text"
        icon={<GlobalOutlined />}
        data-testid="language-switch"
        style={light ? undefined : {}}
      >
        {t(`common:languages.${current}`)}
      </Button>
    </Dropdown>
  );
}
