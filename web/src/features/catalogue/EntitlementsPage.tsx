// A customer's entitlements (服务权益) as a page of its own (linked from the manager's portfolio).
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../app/ui/PageHeader';
import CustomerEntitlementsTab from './CustomerEntitlementsTab';

export default function EntitlementsPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  return (
    <>
      <PageHeader
        title={t('programs:entitlements.title')}
        sub={<Link to={`/customers/${id}`}>{t('programs:entitlements.back')}</Link>}
      />
      <CustomerEntitlementsTab customerId={id} />
    </>
  );
}
