// A page the user's roles do not open: says which permission it needs (in words), whom to ask, and offers a way
// back — never a bare 403.
import { Button, Result, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

export function Forbidden({ needs }: { needs?: string | string[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const codes = needs == null ? [] : Array.isArray(needs) ? needs : [needs];
  const names = codes.map((p) => t(`permissions:names.${p}`, { defaultValue: '' })).filter(Boolean);
  return (
    <Result
      status="403"
      title={t('common:forbidden.title')}
      subTitle={
        <>
          <div>
            {names.length
              ? t('common:forbidden.needs', { permissions: names.join(t('common:forbidden.or')) })
              : t('common:forbiddenPage')}
          </div>
          <div>{t('common:forbidden.ask')}</div>
        </>
      }
      extra={
        <Space>
          <Button onClick={() => navigate(-1)} data-testid="forbidden-back">
            {t('common:forbidden.back')}
          </Button>
          <Button type="primary" onClick={() => navigate('/')}>
            {t('common:actions.backHome')}
          </Button>
        </Space>
      }
    />
  );
}
