import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

export function ActiveTag({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag color={active ? 'green' : 'default'}>
      {active ? t('common:status.active') : t('common:status.inactive')}
    </Tag>
  );
}
