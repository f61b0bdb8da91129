// Labels of the customer base's codes in the user's language.
import type { TFunction } from 'i18next';

export const kindLabel = (t: TFunction, v?: string | null) => (v ? t(`customers:kind.${v}`) : '—');
export const statusLabel = (t: TFunction, v?: string | null) => (v ? t(`customers:status.${v}`) : '—');
export const purposeLabel = (t: TFunction, v?: string | null) => (v ? t(`customers:purpose.${v}`) : '—');
export const channelLabel = (t: TFunction, v: string) => t(`customers:channel.${v}`);
export const statusColor: Record<string, string> = {
  prospect: 'blue',
  active: 'green',
  dormant: 'orange',
  closed: 'default',
  merged: 'purple',
};
export { fmtDateTime as fmtTime } from '../../app/format';
