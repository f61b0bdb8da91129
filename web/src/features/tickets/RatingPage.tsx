// Public rating page behind the link in the close email (/rate/:token): no sign-in, outside the shell. Asks 1–5
// stars and a comment in the customer's language (the ticket's; a switch), then thanks; expired or used links
// get a message.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Input, Rate, Result, Segmented, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, api, call } from '../../app/api/client';
import { errorText } from '../../app/errors';
import { isLanguage, LANGUAGES } from '../../app/i18n';

export default function RatingPage() {
  const { t, i18n } = useTranslation();
  const token = useParams().token ?? '';
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'form' | 'sending' | 'done'>('form');
  const [error, setError] = useState<unknown>(null);
  const info = useQuery({
    queryKey: ['public-rating', token],
    queryFn: () => call(api.GET('/api/public/ratings/{token}', { params: { path: { token } } })),
    retry: false,
  });
  const locale = info.data?.locale;
  useEffect(() => {
    if (isLanguage(locale)) void i18n.changeLanguage(locale);
  }, [locale, i18n]);
  const submit = async () => {
    setState('sending');
    try {
      await call(
        api.POST('/api/public/ratings/{token}', {
          params: { path: { token } },
          body: { score, comment: comment.trim() || null },
        }),
      );
      setState('done');
    } catch (e) {
      setError(e);
      setState('form');
    }
  };
  const gone =
    (info.error instanceof ApiError && info.error.status === 404) ||
    (error instanceof ApiError && (error.status === 404 || error.status === 410)) ||
    info.data?.used;
  let body: React.ReactNode;
  if (info.isLoading) body = <Spin />;
  else if (gone)
    body = (
      <Result
        status="warning"
        title={
          info.data?.used || (error instanceof ApiError && error.status === 410)
            ? t('tickets:rate.used')
            : t('tickets:rate.invalid')
        }
        subTitle={t('tickets:rate.contactUs')}
        data-testid="rate-gone"
      />
    );
  else if (state === 'done')
    body = (
      <Result
        status="success"
        title={t('tickets:rate.thanks')}
        subTitle={t('tickets:rate.thanksSub')}
        data-testid="rate-thanks"
      />
    );
  else if (info.data)
    body = (
      <Flex vertical gap={16} data-testid="rate-form">
        <Typography.Text type="secondary">
          {t('tickets:rate.ticket', { number: info.data.ticketNumber })}
        </Typography.Text>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {info.data.subject}
        </Typography.Title>
        <div>
          <div style={{ marginBottom: 8 }}>{t('tickets:rate.question')}</div>
          <Rate value={score} onChange={setScore} style={{ fontSize: 36 }} data-testid="rate-stars" />
          {score > 0 && (
            <Typography.Text style={{ marginInlineStart: 12 }}>
              {t(`tickets:rate.labels.${score}`)}
            </Typography.Text>
          )}
        </div>
        <Input.TextArea
          rows={4}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={t('tickets:rate.comment')}
          data-testid="rate-comment"
        />
        {error != null && <Typography.Text type="danger">{errorText(t, error)}</Typography.Text>}
        <Button
          type="primary"
          size="large"
          disabled={score === 0}
          loading={state === 'sending'}
          onClick={submit}
          data-testid="rate-submit"
        >
          {t('tickets:rate.submit')}
        </Button>
      </Flex>
    );
  return (
    <Flex justify="center" style={{ minHeight: '100vh', background: '#f5f7fa', padding: '48px 16px' }}>
      <div style={{ width: '100%', maxWidth: 520 }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('common:appName')}
          </Typography.Title>
          <Segmented
            size="small"
            value={i18n.resolvedLanguage}
            onChange={(l) => void i18n.changeLanguage(l as string)}
            data-testid="rate-language"
            options={LANGUAGES.map((l) => ({ value: l, label: t(`common:languages.${l}`) }))}
          />
        </Flex>
        <Card title={t('tickets:rate.title')}>{body}</Card>
      </div>
    </Flex>
  );
}
