// The warning that a calendar's yearly holiday arrangement (节假日安排) is still to be entered: the server says which
// (from 1 November next year's, and the current year's if missing); shown to settings administrators on the home
// page and the calendar page. Deadlines counted into such a year use the statutory holidays only (provisional).
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../../app/api/client';
import { useCan } from '../../../app/session';

export const useArrangementWarnings = (enabled: boolean) =>
  useQuery({
    queryKey: ['calendars', 'warnings'],
    queryFn: () => call(api.GET('/api/calendars/warnings')),
    enabled,
  });

export default function ArrangementBanner({ link = true }: { link?: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const q = useArrangementWarnings(can('admin.settings'));
  if (!q.data?.length) return null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="arrangement-warnings">
      {q.data.map((w) => (
        <Alert
          key={`${w.calendarId}-${w.year}`}
          type="warning"
          showIcon
          message={t('calendar:warning.title', { year: w.year, name: w.calendarName })}
          description={t('calendar:warning.text', { year: w.year })}
          action={
            link ? (
              <Button size="small" onClick={() => navigate('/admin/calendars')}>
                {t('calendar:warning.enter')}
              </Button>
            ) : undefined
          }
        />
      ))}
    </Space>
  );
}
