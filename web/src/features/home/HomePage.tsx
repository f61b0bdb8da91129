// 工作台: greets the user and shows where they sit and what roles they hold.
import { Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { roleLabel } from '../../app/lookups';
import { useMe } from '../../app/session';

function greetingKey(hour: number) {
  if (hour < 5) return 'home:greeting.night';
  if (hour < 12) return 'home:greeting.morning';
  if (hour < 18) return 'home:greeting.afternoon';
  return 'home:greeting.evening';
}

export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="greeting">
          {t(greetingKey(dayjs().hour()), { name: me.displayName })}
        </Typography.Title>
        <Typography.Text type="secondary">{dayjs().format(t('home:dateFormat'))}</Typography.Text>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('home:profile')}>
            <Descriptions column={1} size="small" labelStyle={{ width: 120 }}>
              <Descriptions.Item label={t('home:username')}>{me.username}</Descriptions.Item>
              <Descriptions.Item label={t('home:branch')}>{me.branch.name}</Descriptions.Item>
              <Descriptions.Item label={t('home:department')}>{me.department.name}</Descriptions.Item>
              <Descriptions.Item label={t('home:roles')}>
                <Space size={[4, 4]} wrap data-testid="my-roles">
                  {me.roles.map((r) => (
                    <Tag key={r} color="blue">
                      {roleLabel(t, r)}
                    </Tag>
                  ))}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('home:scope')}>
                {me.allBranches ? t('home:scopeAll') : t('home:scopeBranch')}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('home:tips')}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('home:tipsText')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
