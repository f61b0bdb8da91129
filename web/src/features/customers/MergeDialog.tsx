// Merge chosen customers into one survivor, after a confirmation that says what moves.
import { Alert, App, Descriptions, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import type { CustomerSummary } from './api';

export function MergeDialog(props: {
  customers: CustomerSummary[];
  onClose: () => void;
  onMerged: (survivorId: number) => void;
}) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const showError = useShowError();
  const [survivor, setSurvivor] = useState<number>(props.customers[0]?.id);
  const [busy, setBusy] = useState(false);
  const keep = props.customers.find((c) => c.id === survivor);
  const others = props.customers.filter((c) => c.id !== survivor);

  const merge = async () => {
    setBusy(true);
    try {
      const r = await call(
        api.POST('/api/customers/{id}/merge', {
          params: { path: { id: survivor } },
          body: { sourceIds: others.map((c) => c.id) },
        }),
      );
      const moved = Object.entries(r.moved).filter(([, n]) => n > 0);
      modal.success({
        title: t('customers:merge.done', { name: r.customer.name }),
        content: moved.length ? (
          <Descriptions size="small" column={1}>
            {moved.map(([k, n]) => (
              <Descriptions.Item key={k} label={t(`customers:merge.tables.${k}`, { defaultValue: k })}>
                {n}
              </Descriptions.Item>
            ))}
          </Descriptions>
        ) : (
          t('customers:merge.nothingMoved')
        ),
      });
      props.onMerged(survivor);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('customers:merge.title')}
      onCancel={props.onClose}
      onOk={merge}
      confirmLoading={busy}
      okText={t('customers:merge.confirm')}
      okButtonProps={{ danger: true, ...({ 'data-testid': 'merge-confirm' } as Record<string, string>) }}
      cancelText={t('common:actions.cancel')}
    >
      <Typography.Paragraph>{t('customers:merge.chooseSurvivor')}</Typography.Paragraph>
      <Radio.Group value={survivor} onChange={(e) => setSurvivor(e.target.value)}>
        <Space direction="vertical">
          {props.customers.map((c) => (
            <Radio key={c.id} value={c.id}>
              {c.name} · {c.code} {c.phone ? `· ${c.phone}` : ''} {c.idNumber ? `· ${c.idNumber}` : ''}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      {keep && others.length > 0 && (
        <Alert
          style={{ marginTop: 16 }}
          type="warning"
          showIcon
          message={t('customers:merge.what', {
            others: others.map((c) => `${c.name}（${c.code}）`).join('、'),
            survivor: `${keep.name}（${keep.code}）`,
          })}
        />
      )}
    </Modal>
  );
}
