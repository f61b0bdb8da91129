// Who may call the business-calendar routes: everyone signed in reads calendars and previews deadlines;
// administering them (weekly hours, holidays, make-up days) needs admin.settings.
import type { TestApp } from '../../test/app.ts';
import { uniq } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const WEEK = { 1: [['09:00', '17:00']], 2: [['09:00', '17:00']], 3: [['09:00', '17:00']] };

async function calendar(t: TestApp) {
  const r = await t.call(await t.login('admin'), 'POST', '/api/calendars', {
    name: uniq('cal'),
    weekHours: WEEK,
  });
  if (r.status !== 200) throw new Error(`calendar: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number };
}

addCases([
  { route: 'GET /api/calendars', allowed: 'everyone' },
  { route: 'GET /api/calendars/warnings', allowed: 'everyone' },
  {
    route: 'GET /api/calendars/:id/years/:year/facts',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/calendars/${(await calendar(t)).id}/years/2027/facts` }),
  },
  {
    route: 'GET /api/calendars/:id',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/calendars/${(await calendar(t)).id}` }),
  },
  {
    route: 'POST /api/calendars',
    allowed: ['admin'],
    request: async () => ({ url: '/api/calendars', body: { name: uniq('cal'), weekHours: WEEK } }),
  },
  {
    route: 'PATCH /api/calendars/:id',
    allowed: ['admin'],
    request: async (t) => {
      const c = await calendar(t);
      return { url: `/api/calendars/${c.id}`, body: { name: uniq('cal'), version: c.version } };
    },
  },
  {
    route: 'GET /api/calendars/:id/years/:year',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/calendars/${(await calendar(t)).id}/years/2026` }),
  },
  {
    route: 'PUT /api/calendars/:id/years/:year',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/calendars/${(await calendar(t)).id}/years/2026`,
      body: { days: [{ day: '2026-10-01', kind: 'holiday', name: '国庆节' }] },
    }),
    tables: ['calendar_days'],
  },
  {
    route: 'POST /api/calendars/:id/deadline',
    allowed: 'everyone',
    request: async (t) => ({
      url: `/api/calendars/${(await calendar(t)).id}/deadline`,
      body: { start: '2026-09-30T17:30:00+08:00', minutes: 120 },
    }),
  },
]);
