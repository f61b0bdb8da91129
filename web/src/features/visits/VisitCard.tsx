// A visit on its day in the calendar: the customer's window, the customer, the purpose, coloured by status
// (red when overdue).
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { statusColor, statusEdge, type Visit, windowText } from './api';

export function VisitCard(props: { visit: Visit; showManager?: boolean; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const v = props.visit;
  return (
    <button
      type="button"
      data-testid="visit-card"
      data-visit-id={v.id}
      data-status={v.overdue ? 'overdue' : v.status}
      onClick={(e) => {
        e.stopPropagation();
        props.onOpen(v.id);
      }}
      style={{
        display: 'block',
        width: '100%',
        textAlign: 'left',
        cursor: 'pointer',
        font: 'inherit',
        border: '1px solid #f0f0f0',
        borderLeft: `4px solid ${statusEdge(v)}`,
        borderRadius: 6,
        background: v.overdue ? '#fff1f0' : v.status === 'cancelled' ? '#fafafa' : '#fff',
        padding: '6px 8px',
        marginBottom: 6,
        opacity: v.status === 'cancelled' ? 0.7 : 1,
      }}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 4, fontSize: 13 }}>
        <span style={{ fontVariantNumeric: 'tabular-nums', color: '#595959' }}>
          {windowText(v) || t('visits:calendar.anyTime')}
        </span>
        <Tag color={statusColor(v)} style={{ marginInlineEnd: 0, fontSize: 12, lineHeight: '18px' }}>
          {v.overdue ? t('visits:status.overdue') : t(`visits:status.${v.status}`)}
        </Tag>
      </div>
      <div
        style={{
          fontWeight: 600,
          fontSize: 14,
          marginTop: 2,
          textDecoration: v.status === 'cancelled' ? 'line-through' : undefined,
        }}
      >
        {v.customerName}
      </div>
      <Typography.Paragraph
        type="secondary"
        ellipsis={{ rows: 2 }}
        style={{ margin: 0, fontSize: 13, lineHeight: '18px' }}
      >
        {v.purpose}
      </Typography.Paragraph>
      {props.showManager && (
        <div style={{ fontSize: 12, color: '#8c8c8c', marginTop: 2 }}>{v.managerName}</div>
      )}
    </button>
  );
}
