import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { auditDiff, type DiffRow, showValue } from './diff';

export function AuditDiff({ row }: { row: { before: unknown; after: unknown; meta: unknown } }) {
  const { t, i18n } = useTranslation();
  const rows = auditDiff(row.before, row.after);
  const meta = row.meta && typeof row.meta === 'object' && Object.keys(row.meta).length ? row.meta : null;
  return (
    <div data-testid="audit-diff">
      {rows.length > 0 && (
        <Table<DiffRow>
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={rows}
          rowClassName={(r) => (r.changed ? 'kefu-diff-changed' : '')}
          columns={[
            {
              title: t('audit:diff.field'),
              dataIndex: 'field',
              width: 240,
              render: (f: string) =>
                i18n.exists(`audit:fields.${f}`) ? (
                  <>
                    {t(`audit:fields.${f}`)}{' '}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {f}
                    </Typography.Text>
                  </>
                ) : (
                  f
                ),
            },
            {
              title: t('audit:diff.before'),
              dataIndex: 'before',
              render: (v, r) => (
                <Typography.Text
                  delete={r.changed && v !== undefined}
                  type={r.changed ? 'danger' : undefined}
                >
                  {showValue(v)}
                </Typography.Text>
              ),
            },
            {
              title: t('audit:diff.after'),
              dataIndex: 'after',
              render: (v, r) => (
                <Typography.Text type={r.changed ? 'success' : undefined} strong={r.changed}>
                  {showValue(v)}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
      {meta && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('audit:diff.meta')}: <Typography.Text code>{JSON.stringify(meta)}</Typography.Text>
        </Typography.Paragraph>
      )}
    </div>
  );
}
