// Attachments: upload (type and size errors in the user's language), images inline as thumbnails with preview,
// documents as downloads.
import { DeleteOutlined, FileOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, Image, Popconfirm, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, postForm } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { type Attachment, attachmentUrl, customersKey, useAttachments } from './api';

const MAX_BYTES = 10 * 1024 * 1024;
const CATEGORIES = ['photo', 'id_scan', 'document', 'other'] as const;
const ACCEPT = '.jpg,.jpeg,.png,.gif,.webp,.heic,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx';

export function AttachmentsCard({ customerId, canWrite }: { customerId: number; canWrite: boolean }) {
  const { t } = useTranslation();
  const q = useAttachments(customerId);
  const qc = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [category, setCategory] = useState<(typeof CATEGORIES)[number]>('photo');
  const [busy, setBusy] = useState(false);
  const rows = q.data ?? [];
  const images = rows.filter((a) => a.inline);
  const docs = rows.filter((a) => !a.inline);

  const upload = async (file: File) => {
    if (file.size > MAX_BYTES) {
      message.error(t('customers:attachments.tooLarge'));
      return;
    }
    setBusy(true);
    try {
      const form = new FormData();
      form.append('category', category);
      form.append('file', file, file.name);
      await postForm('/api/customers/{id}/attachments', form, { id: customerId });
      message.success(t('customers:attachments.uploaded'));
      await qc.invalidateQueries({ queryKey: [...customersKey, customerId] });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (a: Attachment) => {
    try {
      await call(
        api.DELETE('/api/customers/{id}/attachments/{attachmentId}', {
          params: { path: { id: customerId, attachmentId: a.id } },
        }),
      );
      await qc.invalidateQueries({ queryKey: [...customersKey, customerId] });
    } catch (e) {
      showError(e);
    }
  };

  return (
    <Card
      size="small"
      title={t('customers:attachments.title')}
      data-testid="attachments"
      extra={
        canWrite && (
          <Space size={4}>
            <Select
              size="small"
              style={{ width: 110 }}
              value={category}
              onChange={setCategory}
              options={CATEGORIES.map((c) => ({ value: c, label: t(`customers:attachments.category.${c}`) }))}
            />
            <Upload
              accept={ACCEPT}
              showUploadList={false}
              beforeUpload={(f) => {
                upload(f);
                return false;
              }}
            >
              <Button size="small" icon={<UploadOutlined />} loading={busy} data-testid="attachment-upload">
                {t('customers:attachments.upload')}
              </Button>
            </Upload>
          </Space>
        )
      }
    >
      {rows.length === 0 && !q.isPending && <Empty description={t('customers:attachments.none')} />}
      {images.length > 0 && (
        <Image.PreviewGroup>
          <Flex gap={8} wrap style={{ marginBottom: docs.length ? 12 : 0 }}>
            {images.map((a) => (
              <Flex key={a.id} vertical align="center" gap={2} style={{ width: 112 }}>
                <Image
                  width={104}
                  height={104}
                  style={{ objectFit: 'cover', borderRadius: 6 }}
                  src={attachmentUrl(customerId, a.id)}
                  alt={a.filename}
                  data-testid="attachment-thumb"
                />
                <Typography.Text ellipsis style={{ fontSize: 12, maxWidth: 104 }} title={a.filename}>
                  {t(`customers:attachments.category.${a.category}`)}
                </Typography.Text>
              </Flex>
            ))}
          </Flex>
        </Image.PreviewGroup>
      )}
      {docs.map((a) => (
        <Flex key={a.id} justify="space-between" align="center" style={{ padding: '4px 0' }}>
          <a href={attachmentUrl(customerId, a.id)} download={a.filename} data-testid="attachment-doc">
            <FileOutlined /> {a.filename}
          </a>
          <Space>
            <Typography.Text type="secondary">{(a.sizeBytes / 1024).toFixed(0)} KB</Typography.Text>
            {canWrite && (
              <Popconfirm title={t('customers:attachments.deleteConfirm')} onConfirm={() => remove(a)}>
                <Button size="small" type="text" icon={<DeleteOutlined />} />
              </Popconfirm>
            )}
          </Space>
        </Flex>
      ))}
    </Card>
  );
}
