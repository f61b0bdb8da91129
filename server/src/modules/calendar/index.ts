// The calendar module's public face: what other modules may call.

export { demoCalendar } from './demo.ts';
export {
  addBusinessDays,
  addBusinessTime,
  addDays,
  businessMinutesBetween,
  type CalendarSpec,
  isProvisional,
  type Pause,
  parseHm,
  type SlaUnit,
} from './engine.ts';
export { arrangementWarnings, defaultCalendarId, loadCalendarSpec, onCalendarYearSaved } from './service.ts';
