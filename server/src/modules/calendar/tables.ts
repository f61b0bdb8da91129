// The calendar module's tables as Kysely sees them.
import type { Generated } from 'kysely';
import type { Json } from '../../db/types.ts';

export interface CalendarTable {
  id: Generated<number>;
  name: string;
  timezone: Generated<string>;
  week_hours: Json;
  is_default: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface CalendarDayTable {
  calendar_id: number;
  day: string;
  kind: 'holiday' | 'workday';
  name: string | null;
  hours: Json | null;
}

/** A year whose State Council arrangement (holidays and make-up days) has been entered. */
export interface CalendarYearTable {
  calendar_id: number;
  year: number;
  arranged_at: Generated<Date>;
}

export interface CalendarTables {
  calendars: CalendarTable;
  calendar_days: CalendarDayTable;
  calendar_years: CalendarYearTable;
}
