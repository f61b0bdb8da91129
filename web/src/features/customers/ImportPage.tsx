// 导入客户: upload CSV (UTF-8/GBK) or XLSX → preview with the automatic column mapping (adjustable, savable; a
// saved mapping of one's own can be updated with the columns shown, or deleted)
// → run (progress polled from the job) → counts and the error file (rejected rows with reasons).
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Input,
  Progress,
  Result,
  Select,
  Space,
  Statistic,
  Steps,
  Table,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call, postForm, saveFile } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { useMe } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import type { ImportJob, ImportPreview } from './api';

type Mapping = Record<string, string | null>;

const Stat = ({ id, ...p }: { id: string } & React.ComponentProps<typeof Statistic>) => (
  <div data-testid={id}>
    <Statistic {...p} />
  </div>
);

export default function ImportPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const showError = useShowError();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const me = useMe();
  const [jobId, setJobId] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [mapping, setMapping] = useState<Mapping>({});
  const [createBranches, setCreateBranches] = useState(false);
  const [mappingName, setMappingName] = useState('');
  const [running, setRunning] = useState(false);
  const [appliedId, setAppliedId] = useState<number | null>(null);

  const preview = useQuery({
    queryKey: ['customers', 'import', jobId, 'preview'],
    queryFn: () =>
      call(api.GET('/api/customers/import/jobs/{id}/preview', { params: { path: { id: jobId ?? 0 } } })),
    enabled: jobId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
  // The automatic mapping seeds the columns once per file; reloading the saved mappings keeps one's changes.
  const seeded = useRef<number | null>(null);
  useEffect(() => {
    if (preview.data && seeded.current !== preview.data.job.id) {
      seeded.current = preview.data.job.id;
      setMapping(preview.data.mapping);
    }
  }, [preview.data]);
  const applied = preview.data?.savedMappings.find((m) => m.id === appliedId);
  const own = applied && applied.ownerId === me.id ? applied : undefined;

  const job = useQuery({
    queryKey: ['customers', 'import', jobId, 'job'],
    queryFn: () => call(api.GET('/api/customers/import/jobs/{id}', { params: { path: { id: jobId ?? 0 } } })),
    enabled: jobId !== null && running,
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 700),
  });
  const current: ImportJob | undefined = job.data ?? preview.data?.job;
  const finished = current && ['done', 'failed'].includes(current.status);
  useEffect(() => {
    if (finished) qc.invalidateQueries({ queryKey: ['customers', 'search'] });
  }, [finished, qc]);

  const upload = async (file: File) => {
    setUploading(true);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const j = await postForm('/api/customers/import/uploads', form);
      setRunning(false);
      setJobId(j.id);
    } catch (e) {
      showError(e);
    } finally {
      setUploading(false);
    }
  };

  const run = async () => {
    if (!jobId) return;
    try {
      const j = await call(
        api.POST('/api/customers/import/jobs/{id}/run', {
          params: { path: { id: jobId } },
          body: { mapping, createBranches },
        }),
      );
      qc.setQueryData(['customers', 'import', jobId, 'job'], j);
      setRunning(true);
    } catch (e) {
      showError(e);
    }
  };

  const saveMapping = async () => {
    try {
      await call(
        api.POST('/api/customers/import/mappings', { body: { name: mappingName, columns: mapping } }),
      );
      message.success(t('customers:import.mappingSaved'));
      await qc.invalidateQueries({ queryKey: ['customers', 'import', jobId, 'preview'] });
    } catch (e) {
      showError(e);
    }
  };

  const updateMapping = async () => {
    if (!own) return;
    try {
      await call(
        api.PATCH('/api/customers/import/mappings/{id}', {
          params: { path: { id: own.id } },
          body: { columns: mapping, version: own.version },
        }),
      );
      message.success(t('customers:import.mappingSaved'));
      await qc.invalidateQueries({ queryKey: ['customers', 'import', jobId, 'preview'] });
    } catch (e) {
      showError(e);
    }
  };

  const deleteMapping = () => {
    if (!own) return;
    modal.confirm({
      title: t('customers:import.deleteMappingTitle', { name: own.name }),
      okText: t('common:actions.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:actions.cancel'),
      onOk: async () => {
        try {
          await call(api.DELETE('/api/customers/import/mappings/{id}', { params: { path: { id: own.id } } }));
          setAppliedId(null);
          message.success(t('common:messages.deleted'));
          await qc.invalidateQueries({ queryKey: ['customers', 'import', jobId, 'preview'] });
        } catch (e) {
          showError(e);
        }
      },
    });
  };

  const restart = () => {
    setJobId(null);
    setRunning(false);
    setMapping({});
    setAppliedId(null);
  };

  const step = !jobId ? 0 : !running ? 1 : finished ? 3 : 2;

  return (
    <>
      <PageHeader
        title={t('customers:import.title')}
        extra={<Button onClick={() => navigate('/customers')}>{t('customers:import.backToList')}</Button>}
      />
      <Card>
        <Steps
          current={step}
          status={step === 3 ? 'finish' : 'process'}
          style={{ marginBottom: 24 }}
          items={[
            { title: t('customers:import.steps.upload') },
            { title: t('customers:import.steps.mapping') },
            { title: t('customers:import.steps.run') },
            { title: t('customers:import.steps.result') },
          ]}
        />
        {step === 0 && (
          <Upload.Dragger
            accept=".csv,.xlsx,.txt"
            showUploadList={false}
            disabled={uploading}
            beforeUpload={(f) => {
              upload(f);
              return false;
            }}
            data-testid="import-upload"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('customers:import.drop')}</p>
            <p className="ant-upload-hint">{t('customers:import.hint')}</p>
          </Upload.Dragger>
        )}
        {step === 1 && preview.data && (
          <MappingStep
            preview={preview.data}
            mapping={mapping}
            setMapping={setMapping}
            applied={appliedId}
            onApply={setAppliedId}
            lang={i18n.language as 'zh-CN'}
          />
        )}
        {step === 1 && preview.data && (
          <Flex gap={12} align="center" wrap style={{ marginTop: 16 }}>
            <Checkbox checked={createBranches} onChange={(e) => setCreateBranches(e.target.checked)}>
              {t('customers:import.createBranches')}
            </Checkbox>
            <Space.Compact>
              <Input
                placeholder={t('customers:import.mappingName')}
                value={mappingName}
                onChange={(e) => setMappingName(e.target.value)}
                style={{ width: 200 }}
              />
              <Button onClick={saveMapping} disabled={!mappingName.trim()}>
                {t('customers:import.saveMapping')}
              </Button>
            </Space.Compact>
            {own && (
              <>
                <Button onClick={updateMapping} data-testid="mapping-update">
                  {t('customers:import.updateMapping', { name: own.name })}
                </Button>
                <Button danger onClick={deleteMapping} data-testid="mapping-delete">
                  {t('customers:import.deleteMapping')}
                </Button>
              </>
            )}
            <span style={{ flex: 1 }} />
            <Button onClick={restart}>{t('customers:import.another')}</Button>
            <Button type="primary" onClick={run} data-testid="import-run">
              {t('customers:import.run')}
            </Button>
          </Flex>
        )}
        {step >= 2 && current && <JobResult job={current} onAgain={restart} />}
      </Card>
    </>
  );
}

function MappingStep(props: {
  preview: ImportPreview;
  mapping: Mapping;
  setMapping: (m: Mapping) => void;
  applied: number | null;
  onApply: (id: number | null) => void;
  lang: 'zh-CN' | 'zh-TW' | 'en';
}) {
  const { t } = useTranslation();
  const { preview, mapping } = props;
  const fieldOptions = useMemo(
    () => [
      { value: '', label: t('customers:import.ignore') },
      ...preview.fields.map((f) => ({ value: f.key, label: f.labels[props.lang] ?? f.label })),
    ],
    [preview.fields, props.lang, t],
  );
  return (
    <>
      <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('customers:import.file')}>{preview.job.fileName}</Descriptions.Item>
        <Descriptions.Item label={t('customers:import.columns')}>{preview.headers.length}</Descriptions.Item>
        {preview.savedMappings.length > 0 && (
          <Descriptions.Item label={t('customers:import.savedMappings')}>
            <Select
              size="small"
              style={{ width: 200 }}
              placeholder={t('customers:import.applyMapping')}
              value={props.applied ?? undefined}
              options={preview.savedMappings.map((m) => ({ value: m.id, label: m.name }))}
              onChange={(id) => {
                const m = preview.savedMappings.find((x) => x.id === id);
                if (m) props.setMapping({ ...mapping, ...m.columns });
                props.onApply(m ? m.id : null);
              }}
              data-testid="mapping-apply"
            />
          </Descriptions.Item>
        )}
      </Descriptions>
      <Typography.Paragraph type="secondary">{t('customers:import.mappingHint')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="line"
        pagination={false}
        scroll={{ x: 'max-content', y: 360 }}
        dataSource={preview.rows}
        data-testid="import-preview"
        columns={[
          { title: '#', dataIndex: 'line', width: 50, fixed: 'left' },
          ...preview.headers.map((h, i) => ({
            key: String(i),
            width: 170,
            title: (
              <Flex vertical gap={4}>
                <span>{h}</span>
                <Select
                  size="small"
                  showSearch
                  optionFilterProp="label"
                  value={mapping[h] ?? ''}
                  onChange={(v: string) => props.setMapping({ ...mapping, [h]: v || null })}
                  options={fieldOptions}
                  data-testid={`map-${h}`}
                />
              </Flex>
            ),
            render: (_: unknown, r: { cells: string[] }) => r.cells[i] ?? '',
          })),
        ]}
      />
    </>
  );
}

function JobResult({ job, onAgain }: { job: ImportJob; onAgain: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const navigate = useNavigate();
  const done = job.status === 'done';
  if (job.status === 'failed')
    return (
      <Result
        status="error"
        title={t('customers:import.failed')}
        subTitle={job.errorMessage}
        extra={<Button onClick={onAgain}>{t('customers:import.another')}</Button>}
      />
    );
  const pct = job.fileSize ? Math.min(99, Math.round((job.bytesRead / job.fileSize) * 100)) : 0;
  return (
    <div data-testid="import-result">
      {!done ? (
        <Flex vertical align="center" gap={12} style={{ padding: 24 }}>
          <Progress type="circle" percent={pct} />
          <Typography.Text>{t('customers:import.running', { rows: job.rowsRead })}</Typography.Text>
        </Flex>
      ) : (
        <Alert
          type={job.rejected ? 'warning' : 'success'}
          showIcon
          message={job.rejected ? t('customers:import.doneWithErrors') : t('customers:import.done')}
          style={{ marginBottom: 16 }}
          data-testid="import-done"
        />
      )}
      <Flex gap={48} wrap style={{ marginBottom: 16 }}>
        <Stat id="import-read" title={t('customers:import.read')} value={job.rowsRead} />
        <Stat
          id="import-created"
          title={t('customers:import.created')}
          value={job.created}
          valueStyle={{ color: '#389e0d' }}
        />
        <Stat
          id="import-updated"
          title={t('customers:import.updated')}
          value={job.updated}
          valueStyle={{ color: '#1677ff' }}
        />
        <Stat id="import-unchanged" title={t('customers:import.unchanged')} value={job.unchanged} />
        <Stat
          id="import-rejected"
          title={t('customers:import.rejected')}
          value={job.rejected}
          valueStyle={{ color: job.rejected ? '#cf1322' : undefined }}
        />
      </Flex>
      {done && job.rejected > 0 && (
        <>
          <Table
            size="small"
            rowKey={(r) => `${r.line}-${r.field}`}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={job.errors}
            data-testid="import-errors"
            columns={[
              { title: t('customers:import.line'), dataIndex: 'line', width: 80 },
              {
                title: t('customers:import.field'),
                dataIndex: 'field',
                width: 160,
                render: (f: string) => t(`customers:fields.${f}`, { defaultValue: f }),
              },
              {
                title: t('customers:import.reason'),
                key: 'reason',
                render: (_, r) => t(`errors:${r.reason}`, { defaultValue: r.message }),
              },
            ]}
          />
          <Button
            style={{ marginTop: 12 }}
            icon={<DownloadOutlined />}
            data-testid="import-error-file"
            onClick={() =>
              saveFile(
                api.GET('/api/customers/import/jobs/{id}/errors', {
                  params: { path: { id: job.id } },
                  parseAs: 'blob',
                }),
                'errors.csv',
              ).catch(showError)
            }
          >
            {t('customers:import.errorFile')}
          </Button>
        </>
      )}
      {done && (
        <Flex gap={8} style={{ marginTop: 16 }}>
          <Button onClick={onAgain} data-testid="import-again">
            {t('customers:import.another')}
          </Button>
          <Button type="primary" onClick={() => navigate('/customers')}>
            {t('customers:import.backToList')}
          </Button>
        </Flex>
      )}
    </div>
  );
}
