import { useTranslation } from 'react-i18next';
import { TreeAdmin } from './TreeAdmin';

export default function RootCauseCategoriesPage() {
  const { t } = useTranslation();
  return (
    <TreeAdmin
      path="/api/root-cause-categories"
      title={t('tickets:menu.rootCauseCategories')}
      sub={t('tickets:admin.rootCausesSub')}
    />
  );
}
