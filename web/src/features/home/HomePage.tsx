// 工作台: greets the user and shows where they sit and what roles they hold.
import { Button, Card, Col, Descriptions, Flex, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { visibleMenu } from '../../app/feature';
import { roleLabel } from '../../app/lookups';
import { registry } from '../../app/registry';
import { useCan, useMe } from '../../app/session';
import ArrangementBanner from '../tickets/admin/ArrangementBanner';
import TodayCard from './TodayCard';

function greetingKey(hour: number) {
  if (hour < 5) return 'home:greeting.night';
  if (hour < 12) return 'home:greeting.morning';
  if (hour < 18) return 'home:greeting.afternoon';
  return 'home:greeting.evening';
}

export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const navigate = useNavigate();
  const shortcuts = visibleMenu(registry.menu, can)
    .filter((g) => g.group !== 'home')
    .flatMap((g) => g.items);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="greeting">
          {t(greetingKey(dayjs().hour()), { name: me.displayName })}
        </Typography.Title>
        <Typography.Text type="secondary">{dayjs().format(t('home:dateFormat'))}</Typography.Text>
      </Card>
      <ArrangementBanner />
      <TodayCard />
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('home:profile')}>
            <Descriptions
              column={1}
              size="small"
              styles={{ label: { width: 120 } }}
              items={[
                { key: 'username', label: t('home:username'), children: me.username },
                { key: 'branch', label: t('home:branch'), children: me.branch.name },
                { key: 'department', label: t('home:department'), children: me.department.name },
                {
                  key: 'roles',
                  label: t('home:roles'),
                  children: (
                    <Space size={[4, 4]} wrap data-testid="my-roles">
                      {me.roles.map((r) => (
                        <Tag key={r} color="blue">
                          {roleLabel(t, r)}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  key: 'scope',
                  label: t('home:scope'),
                  children: me.allBranches ? t('home:scopeAll') : t('home:scopeBranch'),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('home:shortcuts')}>
            <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="shortcuts">
              {shortcuts.map((m) => (
                <Button key={m.path} icon={m.icon} onClick={() => navigate(m.path)}>
                  {t(m.label)}
                </Button>
              ))}
            </Flex>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('home:tipsText')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
