// 客户分群: the segments visible to me (rule and static), with a link to the editor.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';

export default function SegmentsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const q = useQuery({ queryKey: ['segments'], queryFn: () => call(api.GET('/api/segments')) });
  return (
    <>
      <PageHeader
        title={t('programs:segments.title')}
        extra={
          can('segment.write') && (
            <Link to="/programs/segments/new">
              <Button type="primary" icon={<PlusOutlined />} data-testid="segment-new">
                {t('programs:segments.new')}
              </Button>
            </Link>
          )
        }
      />
      <Card>
        <Table
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.items ?? []}
          pagination={false}
          columns={[
            {
              title: t('programs:segments.name'),
              dataIndex: 'name',
              render: (v: string, r) => <Link to={`/programs/segments/${r.id}`}>{v}</Link>,
            },
            {
              title: t('programs:segments.kind'),
              dataIndex: 'kind',
              render: (v: string) => <Tag>{t(`programs:segments.kinds.${v}`)}</Tag>,
            },
            { title: t('programs:segments.description'), dataIndex: 'description' },
            {
              title: t('programs:common.updatedAt'),
              dataIndex: 'updatedAt',
              render: (v: string) => fmtDateTime(v),
            },
          ]}
        />
      </Card>
    </>
  );
}
