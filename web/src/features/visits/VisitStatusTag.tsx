import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { statusColor, type Visit } from './api';

/** The visit's status, red with 逾期 when its day passed before check-in or completion. */
export function VisitStatusTag({ visit }: { visit: Pick<Visit, 'status' | 'overdue'> }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColor(visit)} data-testid="visit-status" style={{ marginInlineEnd: 0 }}>
      {t(`visits:status.${visit.status}`)}
      {visit.overdue && ` · ${t('visits:status.overdue')}`}
    </Tag>
  );
}
