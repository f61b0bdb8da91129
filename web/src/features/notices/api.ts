// The risk-notice calls the screens share: send again (催办) and record a confirmation taken by phone.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call, type Schema } from '../../app/api/client';
import { useShowError } from '../../app/errors';

export type Notice = Schema<'Notice'>;
export type NoticeEvent = Schema<'NoticeEvent'>;
export const NOTICE_KINDS = ['margin_call', 'forced_liquidation', 'risk_warning', 'other'] as const;

/** Sends an unconfirmed notice again through its channels (the server makes a new link for the customer). */
export function useResend() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: (id: number) => call(api.POST('/api/notices/{id}/resend', { params: { path: { id } } })),
    onSuccess: () => {
      message.success(t('notices:actions.resent'));
      qc.invalidateQueries({ queryKey: ['notices'] });
    },
    onError: (e) => showError(e),
  });
}

export function useConfirmByPhone(onDone: () => void) {
  const qc = useQueryClient();
  const showError = useShowError();
  return useMutation({
    mutationFn: (v: { id: number; note: string | null }) =>
      call(api.POST('/api/notices/{id}/confirm', { params: { path: { id: v.id } }, body: { note: v.note } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['notices'] });
      onDone();
    },
    onError: (e) => showError(e),
  });
}
