// 指标导入: upload a monthly metrics file (CSV UTF-8/GBK or XLSX: customer code, period, assets, volume, revenue,
// trading days) → counts, the problems and the error file (rejected rows with reasons) to download.
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Spin, Table, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, postForm } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { PageHeader } from '../../app/ui/PageHeader';

type Result = ApiData<'/api/metrics/import', 'post'>;

function upload(file: File): Promise<Result> {
  const form = new FormData();
  form.append('file', file);
  return postForm('/api/metrics/import', form);
}

function saveErrorFile(content: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  a.download = 'metrics-errors.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export default function MetricsImportPage() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  return (
    <>
      <PageHeader title={t('programs:metrics.title')} sub={t('programs:metrics.sub')} />
      <Card style={{ marginBottom: 16 }}>
        <Spin spinning={busy}>
          <Upload.Dragger
            accept=".csv,.xlsx,.txt"
            showUploadList={false}
            disabled={busy}
            beforeUpload={(f) => {
              setBusy(true);
              setResult(null);
              upload(f)
                .then(setResult, (e) => showError(e))
                .finally(() => setBusy(false));
              return false;
            }}
            data-testid="metrics-upload"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('programs:metrics.drop')}</p>
            <p className="ant-upload-hint">{t('programs:metrics.hint')}</p>
          </Upload.Dragger>
        </Spin>
      </Card>
      {result && (
        <Card title={t('programs:metrics.result')} data-testid="metrics-result">
          <Descriptions
            column={3}
            items={[
              {
                key: 'r',
                label: t('programs:metrics.rowsRead'),
                children: <span data-testid="metrics-rows">{result.rowsRead}</span>,
              },
              {
                key: 'u',
                label: t('programs:metrics.upserted'),
                children: <span data-testid="metrics-upserted">{result.upserted}</span>,
              },
              {
                key: 'x',
                label: t('programs:metrics.rejected'),
                children: <span data-testid="metrics-rejected">{result.rejected}</span>,
              },
            ]}
          />
          {result.rejected === 0 && <Alert type="success" showIcon message={t('programs:metrics.allGood')} />}
          {result.errorFile && (
            <Button
              icon={<DownloadOutlined />}
              onClick={() => saveErrorFile(result.errorFile as string)}
              style={{ margin: '12px 0' }}
              data-testid="metrics-error-file"
            >
              {t('programs:metrics.errorFile')}
            </Button>
          )}
          {result.problems.length > 0 && (
            <Table
              size="small"
              rowKey={(r) => `${r.line}-${r.field}`}
              dataSource={result.problems}
              pagination={{ pageSize: 20 }}
              columns={[
                { title: t('programs:metrics.line'), dataIndex: 'line' },
                { title: t('programs:metrics.field'), dataIndex: 'field' },
                { title: t('programs:metrics.reason'), dataIndex: 'reason' },
              ]}
            />
          )}
        </Card>
      )}
    </>
  );
}
