import { useTranslation } from 'react-i18next';
import { TreeAdmin } from './TreeAdmin';

export default function TicketCategoriesPage() {
  const { t } = useTranslation();
  return (
    <TreeAdmin
      path="/api/ticket-categories"
      title={t('tickets:menu.categories')}
      sub={t('tickets:admin.categoriesSub')}
    />
  );
}
