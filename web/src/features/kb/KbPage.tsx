// 知识库: search (Chinese substrings match), categories, kinds (standard, script 话术, FAQ).
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Flex, Input, List, Modal, Row, Segmented, Tag, Tree, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useShowError } from '../../app/errors';
import { queryClient, useCan } from '../../app/session';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';
import { toTree } from '../tickets/api';
import {
  type ArticleQuery,
  createKbCategory,
  KINDS,
  renameKbCategory,
  useArticles,
  useKbCategories,
} from './api';

export default function KbPage() {
  const { t } = useTranslation();
  const can = useCan();
  const showError = useShowError();
  const [query, setQuery] = useState<ArticleQuery>({});
  const list = useArticles(query);
  const cats = useKbCategories();
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const addCategory = () => {
    let name = '';
    Modal.confirm({
      title: t('kb:addCategory'),
      content: <Input autoFocus onChange={(e) => (name = e.target.value)} />,
      onOk: async () => {
        try {
          await createKbCategory(name, query.categoryId ?? null);
          await queryClient.invalidateQueries({ queryKey: ['kb', 'categories'] });
        } catch (e) {
          showError(e);
          throw e;
        }
      },
    });
  };
  const selected = cats.data?.find((c) => c.id === query.categoryId);
  const renameCategory = () => {
    if (!selected) return;
    let name = selected.name;
    Modal.confirm({
      title: t('kb:renameCategory'),
      content: (
        <Input
          autoFocus
          defaultValue={selected.name}
          maxLength={100}
          onChange={(e) => (name = e.target.value)}
          data-testid="kb-category-name"
        />
      ),
      onOk: async () => {
        try {
          await renameKbCategory(selected.id, name.trim());
          await queryClient.invalidateQueries({ queryKey: ['kb', 'categories'] });
        } catch (e) {
          showError(e);
          throw e;
        }
      },
    });
  };
  return (
    <>
      <PageHeader
        title={t('kb:title')}
        sub={t('kb:subtitle')}
        extra={
          can('kb.write') && (
            <Link to="/kb/new">
              <Button type="primary" icon={<PlusOutlined />}>
                {t('kb:newArticle')}
              </Button>
            </Link>
          )
        }
      />
      <Row gutter={12}>
        <Col xs={24} lg={6}>
          <Card
            size="small"
            title={t('kb:categories')}
            extra={
              can('kb.write') && (
                <Flex gap={12}>
                  {selected && (
                    <Typography.Link onClick={renameCategory} data-testid="kb-category-rename">
                      {t('kb:renameCategory')}
                    </Typography.Link>
                  )}
                  <Typography.Link onClick={addCategory}>{t('kb:addCategory')}</Typography.Link>
                </Flex>
              )
            }
          >
            <Typography.Link onClick={() => setQuery({ ...query, categoryId: undefined })}>
              {t('kb:allCategories')}
            </Typography.Link>
            <Tree
              key={cats.data?.length}
              defaultExpandAll
              selectedKeys={query.categoryId ? [query.categoryId] : []}
              onSelect={(k) => setQuery({ ...query, categoryId: (k[0] as number) ?? undefined })}
              treeData={toTree(cats.data)}
            />
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Card size="small">
            <Flex gap={8} wrap style={{ marginBottom: 12 }}>
              <Input.Search
                allowClear
                style={{ width: 320 }}
                placeholder={t('kb:searchPlaceholder')}
                onSearch={(q) => setQuery({ ...query, q: q || undefined })}
                data-testid="kb-search"
              />
              <Segmented
                value={query.kind ?? 'all'}
                onChange={(v) =>
                  setQuery({ ...query, kind: v === 'all' ? undefined : (v as ArticleQuery['kind']) })
                }
                options={[
                  { value: 'all', label: t('kb:allKinds') },
                  ...KINDS.map((k) => ({ value: k, label: t(`kb:kind.${k}`) })),
                ]}
              />
            </Flex>
            <List
              loading={list.isLoading}
              dataSource={rows}
              data-testid="kb-results"
              renderItem={(a) => (
                <List.Item>
                  <List.Item.Meta
                    title={
                      <Flex gap={8} align="center">
                        <Link to={`/kb/${a.id}`}>{a.title}</Link>
                        <Tag color={a.kind === 'faq' ? 'green' : a.kind === 'script' ? 'purple' : 'blue'}>
                          {t(`kb:kind.${a.kind}`)}
                        </Tag>
                        {a.status !== 'published' && <Tag>{t(`kb:status.${a.status}`)}</Tag>}
                      </Flex>
                    }
                    description={
                      <>
                        <div>{a.excerpt}</div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {a.tags.map((x) => `#${x}`).join(' ')} · v{a.version} ·{' '}
                          {dayjs(a.updatedAt).format('YYYY-MM-DD')}
                        </Typography.Text>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
            <LoadMore
              count={rows.length}
              hasMore={!!list.hasNextPage}
              loading={list.isFetchingNextPage}
              onMore={() => list.fetchNextPage()}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
