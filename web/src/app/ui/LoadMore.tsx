// "Load more" under a keyset-paginated list.
import { Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export function LoadMore(props: { hasMore: boolean; loading: boolean; onMore: () => void; count: number }) {
  const { t } = useTranslation();
  return (
    <Flex justify="center" align="center" gap={12} style={{ marginTop: 12 }}>
      <Typography.Text type="secondary">{t('common:list.shown', { count: props.count })}</Typography.Text>
      {props.hasMore ? (
        <Button onClick={props.onMore} loading={props.loading} data-testid="load-more">
          {t('common:list.loadMore')}
        </Button>
      ) : (
        props.count > 0 && <Typography.Text type="secondary">{t('common:list.end')}</Typography.Text>
      )}
    </Flex>
  );
}
