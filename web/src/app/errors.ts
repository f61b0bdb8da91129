// Turns server errors into the user's language: `errors:<CODE>` with the server's message as fallback.
import type { FormInstance } from 'antd';
import { App } from 'antd';
import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client';

export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(err.details)) {
      if (typeof v !== 'string') continue;
      vars[k] = /^\d{4}-\d\d-\d\dT/.test(v) ? dayjs(v).format('YYYY-MM-DD HH:mm') : v;
    }
    return t(`errors:${err.code}`, { ...vars, defaultValue: err.message || t('errors:UNKNOWN') });
  }
  return t('errors:UNKNOWN');
}

/** A field reason from the server: a code (`PASSWORD_TOO_SHORT`) when it has a translation, else generic. */
export function fieldReasonText(t: TFunction, reason: string): string {
  if (/^[A-Z][A-Z0-9_]+$/.test(reason))
    return t(`errors:${reason}`, { defaultValue: t('errors:FIELD_INVALID') });
  return t('errors:FIELD_INVALID');
}

/** Puts the server's field errors onto a form's fields; returns true when at least one field took one. */
export function applyFieldErrors(form: FormInstance, t: TFunction, err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true) ?? {}));
  const fields = Object.entries(err.fields)
    .map(([name, reason]) => ({ name: name.split('.')[0], errors: [fieldReasonText(t, reason)] }))
    .filter((f) => known.has(f.name));
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}

/** `showError(err, form?)`: field errors go under the fields, the rest into a message. */
export function useShowError() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return useCallback(
    (err: unknown, form?: FormInstance) => {
      const onFields = form ? applyFieldErrors(form, t, err) : false;
      if (!onFields) message.error(errorText(t, err));
    },
    [t, message],
  );
}
