// Business calendars (工作日历): weekly hours, holidays and make-up working days per year, and a deadline preview.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams } from '../../platform/schemas.ts';
import {
  computeDeadline,
  createCalendar,
  getCalendar,
  getCalendarYear,
  listCalendarDays,
  listCalendars,
  myArrangementWarnings,
  setCalendarYear,
  updateCalendar,
} from './service.ts';

const ZHm = z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM');
const ZHours = z.array(z.tuple([ZHm, ZHm])).max(8);
const ZWeek = z.object({
  1: ZHours.optional(),
  2: ZHours.optional(),
  3: ZHours.optional(),
  4: ZHours.optional(),
  5: ZHours.optional(),
  6: ZHours.optional(),
  7: ZHours.optional(),
});
named('WeekHours', ZWeek);
const ZCalendar = z.object({
  id: z.number(),
  name: z.string(),
  timezone: z.string(),
  weekHours: z.record(z.string(), ZHours),
  isDefault: z.boolean(),
  version: z.number(),
  updatedAt: z.string(),
});
named('Calendar', ZCalendar);
const ZCalendarInput = z.object({
  name: z.string().trim().min(1).max(100),
  timezone: z.string().trim().min(1).max(64).optional(),
  weekHours: ZWeek,
  isDefault: z.boolean().optional(),
});
const ZDay = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().max(100).nullable().optional(),
  hours: ZHours.nullable().optional(),
});
const ZYearParams = z.object({ id: ZId, year: z.number().int().min(2000).max(2100) });
const ZYearFacts = z.object({
  year: z.number(),
  /** The State Council's arrangement for the year is entered; without it the statutory holidays are used. */
  arranged: z.boolean(),
  arrangedAt: z.string().nullable(),
  days: z.array(
    z.object({
      day: z.string(),
      working: z.boolean(),
      trading: z.boolean(),
      statutory: z.string().nullable(),
    }),
  ),
});
named('CalendarYearFacts', ZYearFacts);
const ZWarning = z.object({
  calendarId: z.number(),
  calendarName: z.string(),
  year: z.number(),
  since: z.string(),
});

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['calendars'];
  app.get(
    '/calendars',
    {
      schema: { tags, summary: 'Business calendars', response: { 200: z.array(ZCalendar), ...commonErrors } },
    },
    async (req) => {
      requireActor(req.ctx);
      return listCalendars(req.ctx);
    },
  );
  app.get(
    '/calendars/warnings',
    {
      schema: {
        tags,
        summary:
          'Years whose holiday arrangement administrators still have to enter (from 1 November: next year)',
        response: { 200: z.array(ZWarning), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return myArrangementWarnings(req.ctx);
    },
  );
  app.get(
    '/calendars/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZCalendar, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getCalendar(req.ctx, req.params.id);
    },
  );
  app.post(
    '/calendars',
    { schema: { tags, body: ZCalendarInput, response: { 200: ZCalendar, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createCalendar(req.ctx, req.body);
    },
  );
  app.patch(
    '/calendars/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZCalendarInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZCalendar, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateCalendar(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/calendars/:id/years/:year',
    {
      schema: {
        tags,
        summary: 'Holidays and make-up working days of one year',
        params: ZYearParams,
        response: { 200: z.array(ZDay.required()), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listCalendarDays(req.ctx, req.params.id, req.params.year);
    },
  );
  app.get(
    '/calendars/:id/years/:year/facts',
    {
      schema: {
        tags,
        summary:
          'Every day of a year: working day, trading day, statutory holiday (year without arrangement)',
        params: ZYearParams,
        response: { 200: ZYearFacts, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getCalendarYear(req.ctx, req.params.id, req.params.year);
    },
  );
  app.put(
    '/calendars/:id/years/:year',
    {
      schema: {
        tags,
        summary: 'Replace one year’s holidays and make-up working days (调休)',
        params: ZYearParams,
        body: z.object({ days: z.array(ZDay).max(366) }),
        response: { 200: z.array(ZDay.required()), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return setCalendarYear(req.ctx, req.params.id, req.params.year, req.body.days);
    },
  );
  app.post(
    '/calendars/:id/deadline',
    {
      schema: {
        tags,
        summary: 'Preview: when do N business minutes (or N working/trading/calendar days) from a start end',
        params: ZIdParams,
        body: z.object({
          start: z.string().datetime({ offset: true }),
          minutes: z.number().min(0).max(1_000_000).optional(),
          days: z.number().int().min(0).max(366).optional(),
          unit: z.enum(['working_days', 'trading_days', 'calendar_days']).optional(),
          pauses: z
            .array(
              z.object({
                from: z.string().datetime({ offset: true }),
                to: z.string().datetime({ offset: true }).nullable(),
              }),
            )
            .max(100)
            .optional(),
        }),
        response: {
          200: z.object({
            dueAt: z.string().nullable(),
            businessMinutesUntilDue: z.number().nullable(),
            provisional: z.boolean(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return computeDeadline(req.ctx, req.params.id, req.body);
    },
  );
};
