import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEZONE, loadConfig, timeZoneFromEnv } from '../config.ts';
import { createDb, createPool } from '../db/index.ts';
import { localDateTime, localInstant, localNow, localParts, timeZone, zoneSql } from '../platform/time.ts';
import { sourceFiles } from './sources.ts';

const _srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every source file under server/src, as [path relative to server/src, text]. */
const sources = (): [string, string][] => sourceFiles().map((f) => [f.path, f.src]);

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

describe('TLS certificate checks', () => {
  it('no file in server/src — tests included — turns them off', () => {
    // Written in pieces so that this file does not match itself.
    const off = new RegExp(`${'reject'}Unauthorized['"]?\\s*:\\s*(false|0|!1)\\b`, 'g');
    const env = new RegExp(`NODE_TLS_${'REJECT'}_UNAUTHORIZED['"]?\\]?\\s*[:=]\\s*['"\`]?0`, 'g');
    const offenders: string[] = [];
    for (const [rel, text] of sources())
      for (const re of [off, env])
        for (const m of text.matchAll(re)) offenders.push(`${rel}:${lineOf(text, m.index)}: ${m[0]}`);
    expect(offenders).toEqual([]);
  });
});

describe('the time zone is configuration (KEFU_TIMEZONE), written only as its default in config.ts', () => {
  /**
   * Where the literal zone may stay, and why. Tests pin concrete zones on purpose (the arithmetic under test),
   * and so may their helpers; migrations are never edited once landed (they state the schema as it was made).
   */
  const allowed: Record<string, string> = {
    'config.ts': "DEFAULT_TIMEZONE, KEFU_TIMEZONE's default",
    'db/migrations/20261122_2100_calendar.ts':
      'calendars.timezone column default (every insert names the zone)',
    'db/migrations/20261122_2300_tickets.ts': "tickets.number's date part (a landed migration)",
    'db/migrations/20261122_2401_ticket_number_width.ts': "tickets.number's date part (a landed migration)",
  };
  const testOnly = (rel: string) =>
    /\.test\.ts$/.test(rel) || rel.startsWith('test/') || /(^|\/)(permission-cases|fixtures)\.ts$/.test(rel);

  it('finds no zone name, fixed UTC offset or hard-coded "at time zone" outside those files', () => {
    const zoneName =
      /['"`](?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_+-]+['"`]/g;
    const patterns: [string, RegExp][] = [
      ['the default zone', new RegExp(DEFAULT_TIMEZONE.replace('/', '\\/'), 'g')],
      ['a zone name', zoneName],
      // An ISO time with a fixed offset other than Z, e.g. …T23:59:59+08:00.
      ['a fixed UTC offset', /T\d\d:\d\d(?::\d\d)?[+-]\d\d:?\d\d\b/g],
      ['an offset in ms or s', /\b8 \* (?:3600|60 \* 60)|\b28_?800\b/g],
      ['a literal "at time zone"', /at time zone '(?!UTC')[^']+'/gi],
    ];
    const offenders: string[] = [];
    for (const [rel, text] of sources()) {
      if (rel in allowed || testOnly(rel)) continue;
      for (const [what, re] of patterns)
        for (const m of text.matchAll(re)) offenders.push(`${rel}:${lineOf(text, m.index)}: ${what} ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the exceptions still hold the literal (a stale entry is removed from the list)', () => {
    const texts = new Map(sources());
    for (const rel of Object.keys(allowed)) expect(texts.get(rel), rel).toContain(DEFAULT_TIMEZONE);
  });

  it('KEFU_TIMEZONE is checked at start and names itself when it is not a time zone', () => {
    expect(loadConfig({}).timezone).toBe(DEFAULT_TIMEZONE);
    expect(loadConfig({ KEFU_TIMEZONE: 'Europe/Berlin' }).timezone).toBe('Europe/Berlin');
    expect(() => loadConfig({ KEFU_TIMEZONE: 'Mars/Olympus' })).toThrow(/KEFU_TIMEZONE/);
    expect(() => timeZoneFromEnv({ KEFU_TIMEZONE: "x'; drop table users; --" })).toThrow(/KEFU_TIMEZONE/);
    expect(timeZone()).toBe(timeZoneFromEnv(process.env));
  });

  it('zoneSql() is the zone as a quoted literal, the same text each time it is written', async () => {
    const db = createDb(createPool('postgres://nobody@127.0.0.1:1/none', 1)); // compiles only, never connects
    try {
      const q = sql`select date_trunc('week', ${localNow()}) at time zone ${zoneSql()}, ${zoneSql("it's")}`;
      const { sql: text, parameters } = q.compile(db);
      expect(text).toBe(
        `select date_trunc('week', (now() at time zone '${DEFAULT_TIMEZONE}')) at time zone '${DEFAULT_TIMEZONE}', 'it''s'`,
      );
      expect(parameters).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("platform/time.ts's wall-clock arithmetic agrees with the zone", () => {
    // China: +8 h all year.
    expect(localDateTime('2026-11-22', '23:59:59', 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-22T15:59:59.000Z',
    );
    expect(localInstant(2026, 0, 1, 0, 'Asia/Shanghai').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(localParts(new Date('2026-11-22T16:30:00Z'), 'Asia/Shanghai')).toMatchObject({
      year: 2026,
      month: 10,
      day: 23,
      hour: 0,
      weekday: 1,
    });
    // Berlin: +1 h in winter, +2 h in summer; 02:30 on the spring-forward day does not exist and resolves forward.
    expect(localDateTime('2026-01-15', '12:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-01-15T11:00:00.000Z',
    );
    expect(localDateTime('2026-07-15', '12:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-15T10:00:00.000Z',
    );
    expect(localDateTime('2026-03-29', '02:30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
});
