// An audit row's change as people read it: one line per field — its label, then old → new (a creation shows the
// new value, a removal the old one); values of known kinds (a ticket's status, a customer's purpose …) by their
// names, yes/no for flags. Codes of fields and values never show when a label exists.
import { Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { byId, useBranches, useDepartments, useTeams } from '../../app/lookups';
import { auditDiff, fieldKey, fieldLabel, showValue } from './diff';

/** Namespaces whose `fields` and value lists name an entity's fields (after audit.json's own `fields`). */
const ENTITY_NS: Record<string, string> = { ticket: 'tickets', customer: 'customers' };
/** Fields whose values are codes named elsewhere, whatever the entity (a user's roles, a role's permissions). */
const VALUE_NS: Record<string, string> = {
  roles: 'common:roles',
  permissions: 'permissions:names',
  locale: 'common:languages',
};
/** Values named per entity: `entity → field → key prefix` (a user's status …). */
const ENTITY_VALUE_NS: Record<string, Record<string, string>> = { user: { status: 'admin:users.status' } };
const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function AuditDiff({
  row,
}: {
  row: {
    entity?: string;
    before: unknown;
    after: unknown;
    meta: unknown;
    customerId?: number | null;
    customerCode?: string | null;
    customerName?: string | null;
  };
}) {
  const { t, i18n } = useTranslation();
  const ns = row.entity ? ENTITY_NS[row.entity] : undefined;
  // Branches, departments and teams by name (the cached lists every page uses), not by id.
  const places: Record<string, Map<number, { name: string }>> = {
    branchId: byId(useBranches().data),
    departmentId: byId(useDepartments().data),
    teamId: byId(useTeams().data),
  };
  const text = (key: string) => {
    const v = i18n.exists(key) ? t(key, { returnObjects: true }) : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  const label = (key: string) => {
    const c = camel(key);
    return (
      text(`audit:fields.${key}`) ??
      (ns ? (text(`${ns}:fields.${c}`) ?? text(`${ns}:fields.${c.replace(/Id$/, '')}`)) : undefined)
    );
  };
  const value = (field: string, v: unknown): string => {
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) return t('audit:diff.empty');
    if (typeof v === 'boolean') return t(v ? 'audit:diff.yes' : 'audit:diff.no');
    const last = camel(fieldKey(field.split('.').pop() ?? field));
    const own = row.entity ? ENTITY_VALUE_NS[row.entity]?.[last] : undefined;
    const named = (x: string | number) =>
      places[last]?.get(Number(x))?.name ??
      (last === 'customerId' && row.customerCode && Number(x) === row.customerId
        ? `${row.customerCode} ${row.customerName ?? ''}`.trim()
        : undefined) ??
      (own ? text(`${own}.${x}`) : undefined) ??
      (VALUE_NS[last] ? text(`${VALUE_NS[last]}.${x}`) : undefined) ??
      (ns ? text(`${ns}:${last}.${x}`) : undefined);
    if (typeof v === 'string' || typeof v === 'number') return named(v) ?? showValue(v);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'))
      return v.map((x) => named(x) ?? showValue(x)).join('、');
    return showValue(v);
  };
  const rows = auditDiff(row.before, row.after);
  const meta = row.meta ? auditDiff(null, row.meta) : [];
  const line = (r: { field: string; before: unknown; after: unknown; changed: boolean }) => (
    <Flex key={r.field} gap={6} wrap>
      <Typography.Text strong>
        {t('audit:diff.fieldLabel', { field: fieldLabel(r.field, label) })}
      </Typography.Text>
      {r.before !== undefined && r.after !== undefined && r.changed ? (
        <>
          <Typography.Text delete type="danger">
            {value(r.field, r.before)}
          </Typography.Text>
          <span>→</span>
          <Typography.Text type="success">{value(r.field, r.after)}</Typography.Text>
        </>
      ) : r.after !== undefined ? (
        <Typography.Text>{value(r.field, r.after)}</Typography.Text>
      ) : (
        <Typography.Text delete type="danger">
          {value(r.field, r.before)}
        </Typography.Text>
      )}
    </Flex>
  );
  return (
    <Flex vertical gap={4} data-testid="audit-diff">
      {rows.map(line)}
      {meta.length > 0 && (
        <>
          <Typography.Text type="secondary" style={{ marginTop: rows.length ? 8 : 0 }}>
            {t('audit:diff.meta')}
          </Typography.Text>
          {meta.map(line)}
        </>
      )}
    </Flex>
  );
}
