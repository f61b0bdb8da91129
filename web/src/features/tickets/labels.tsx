// Tags for ticket status, priority, type and SLA state (labels from the tickets namespace).
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const STATUS_COLOR: Record<string, string> = {
  new: 'blue',
  open: 'processing',
  waiting_customer: 'gold',
  waiting_internal: 'orange',
  resolved: 'green',
  closed: 'default',
  reopened: 'magenta',
};
const PRIORITY_COLOR: Record<string, string> = {
  low: 'default',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};
const TYPE_COLOR: Record<string, string> = {
  consultation: 'cyan',
  service_request: 'geekblue',
  complaint: 'volcano',
  suggestion: 'lime',
  fault: 'purple',
};
export const SLA_COLOR: Record<string, string> = {
  met: 'green',
  met_late: 'orange',
  breached: 'red',
  warning: 'gold',
  running: 'blue',
  paused: 'default',
};

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="ticket-status">
      {t(`tickets:status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
export function PriorityTag({ priority }: { priority: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={PRIORITY_COLOR[priority]}>
      {t(`tickets:priority.${priority}`, { defaultValue: priority })}
    </Tag>
  );
}
export function TypeTag({ type }: { type: string }) {
  const { t } = useTranslation();
  return <Tag color={TYPE_COLOR[type]}>{t(`tickets:type.${type}`, { defaultValue: type })}</Tag>;
}
export function SlaTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Tag color={SLA_COLOR[state]}>{t(`tickets:sla.state.${state}`, { defaultValue: state })}</Tag>;
}
