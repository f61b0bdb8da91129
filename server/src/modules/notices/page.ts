// The customer's confirm page: a small server-rendered HTML page (no script) in the customer's language, zh-CN
// unless the browser asks for zh-TW or English. The GET shows the notice and a form; only the form's POST confirms.

export type PageLocale = 'zh-CN' | 'zh-TW' | 'en';

const TEXT = {
  'zh-CN': {
    heading: '风险通知',
    prompt: '请阅读以上通知，并点击下方按钮确认您已收到。',
    button: '我已收到并知悉',
    done: '感谢您的确认，我们已记录您已收到本通知。',
    already: '本通知已确认，无需再次确认。',
    expired: '该确认链接已过期，请致电您的客户经理或客服确认收到本通知。',
    invalid: '该链接无效。请检查短信或邮件中的链接，或联系客服。',
    retry: '无法确认：请重新打开短信或邮件中的链接后再试。',
  },
  'zh-TW': {
    heading: '風險通知',
    prompt: '請閱讀以上通知，並點擊下方按鈕確認您已收到。',
    button: '我已收到並知悉',
    done: '感謝您的確認，我們已記錄您已收到本通知。',
    already: '本通知已確認，無需再次確認。',
    expired: '該確認連結已過期，請致電您的客戶經理或客服確認收到本通知。',
    invalid: '該連結無效。請檢查簡訊或郵件中的連結，或聯繫客服。',
    retry: '無法確認：請重新打開簡訊或郵件中的連結後再試。',
  },
  en: {
    heading: 'Risk notice',
    prompt: 'Please read the notice above and press the button below to confirm you have received it.',
    button: 'I have received this notice',
    done: 'Thank you. We have recorded that you received this notice.',
    already: 'This notice is already confirmed; there is nothing more to do.',
    expired:
      'This confirmation link has expired. Please call your account manager or customer service to confirm.',
    invalid: 'This link is not valid. Please check the link in the text message or email, or call us.',
    retry: 'Could not confirm: please open the link in the text message or email again and retry.',
  },
} as const;
export type PageMessage = Exclude<keyof (typeof TEXT)['en'], 'heading' | 'prompt' | 'button'>;

/** The page's language from the browser's Accept-Language: zh-TW (also zh-HK, zh-Hant), en, else zh-CN. */
export function pageLocale(acceptLanguage: string | undefined): PageLocale {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (/^zh-(tw|hk|mo|hant)/.test(tag)) return 'zh-TW';
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c as '&'],
  );

export function confirmPage(
  locale: PageLocale,
  p: { title?: string; body?: string; form?: { action: string; csrf: string }; message?: PageMessage },
) {
  const t = TEXT[locale];
  const notice = p.title
    ? `<h2>${esc(p.title)}</h2>${p.body ? `<p class="body">${esc(p.body)}</p>` : ''}`
    : '';
  const form = p.form
    ? `<p>${t.prompt}</p>
<form method="post" action="${esc(p.form.action)}">
<input type="hidden" name="csrf" value="${esc(p.form.csrf)}">
<button type="submit">${t.button}</button>
</form>`
    : '';
  const message = p.message ? `<p class="msg">${t[p.message]}</p>` : '';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${t.heading}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}
.body{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:1rem;border-radius:6px}
button{font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#1677ff;color:#fff}
.msg{font-size:1.1rem}
</style>
</head>
<body>
<h1>${t.heading}</h1>
${notice}
${form}
${message}
</body>
</html>
`;
}
