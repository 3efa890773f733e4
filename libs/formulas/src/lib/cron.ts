/**
 * Quartz cron expressions as the old platform's scheduled triggers carry them: seven fields,
 * `seconds minutes hours day-of-month month day-of-week [year]`, one of day-of-month and
 * day-of-week being `?`. A formula runs at most once a minute, so the seconds field must name a
 * single second (`0`); `0/30 * * 1/1 * ? *` is refused (shared/reference/formulas.md §3.4).
 *
 * Supported per field: `*`, `?` (day fields), numbers, ranges `a-b`, steps `a/n` and `a-b/n` and
 * `* /n`, lists `a,b`, month and weekday names (JAN…DEC, SUN…SAT; Quartz weekdays are 1 = Sunday).
 * `L`, `W` and `#` are refused with a clear message rather than read wrongly.
 */

export class CronError extends Error {}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2199 },
];

export interface CronSchedule {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** null: any (`?` or `*`). */
  readonly daysOfMonth: ReadonlySet<number> | null;
  readonly months: ReadonlySet<number>;
  /** Quartz numbering, 1 = Sunday; null: any. */
  readonly daysOfWeek: ReadonlySet<number> | null;
  readonly years: ReadonlySet<number> | null;
}

function parseNumber(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  const value = named >= 0 ? named + spec.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new CronError(`cron ${spec.name} field: '${text}' is not a value from ${spec.min} to ${spec.max}`);
  }
  return value;
}

function parseField(text: string, spec: FieldSpec): Set<number> | null {
  if (text === '*' || text === '?') return null;
  if (/[LW#]/i.test(text) && !spec.names?.some((n) => text.toUpperCase().includes(n))) {
    throw new CronError(`cron ${spec.name} field: 'L', 'W' and '#' are not supported ('${text}')`);
  }
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    if (part.split('/').length > 2 || range === '') throw new CronError(`cron ${spec.name} field: '${part}' is not valid`);
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : NaN;
    if (Number.isNaN(step)) throw new CronError(`cron ${spec.name} field: step '${stepText}' must be a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = parseNumber(a, spec);
      to = parseNumber(b, spec);
      if (to < from) throw new CronError(`cron ${spec.name} field: range '${range}' ends before it starts`);
    } else {
      from = parseNumber(range, spec);
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parses a 7-field (or 6-field, without year) Quartz expression; throws CronError naming the bad field. */
export function parseQuartzCron(expression: string): CronSchedule {
  if (typeof expression !== 'string') throw new CronError('cron must be a string');
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) {
    throw new CronError(`cron '${expression}' must have 7 fields (seconds minutes hours day-of-month month day-of-week year)`);
  }
  const [seconds, minutes, hours, dom, month, dow, year] = fields.map((f, i) => parseField(f, FIELDS[i]));
  if (seconds === null || seconds.size !== 1) {
    throw new CronError(`cron '${expression}': a formula runs at most once a minute, so the seconds field must be a single second (e.g. 0)`);
  }
  if (fields[3] === '?' && fields[5] === '?') throw new CronError(`cron '${expression}': day-of-month and day-of-week cannot both be '?'`);
  if (fields[3] !== '?' && fields[5] !== '?') throw new CronError(`cron '${expression}': one of day-of-month and day-of-week must be '?'`);
  const all = (spec: FieldSpec) => new Set(Array.from({ length: spec.max - spec.min + 1 }, (_, i) => spec.min + i));
  return {
    expression,
    minutes: minutes ?? all(FIELDS[1]),
    hours: hours ?? all(FIELDS[2]),
    daysOfMonth: dom,
    months: month ?? all(FIELDS[4]),
    daysOfWeek: dow,
    years: year ?? null,
  };
}

/** The first minute strictly after `after` (UTC) that the schedule names, or null within 5 years. */
export function nextRun(schedule: CronSchedule, after: Date): Date | null {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (schedule.years && !schedule.years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const dayOk =
      (schedule.daysOfMonth === null || schedule.daysOfMonth.has(t.getUTCDate())) &&
      (schedule.daysOfWeek === null || schedule.daysOfWeek.has(t.getUTCDay() + 1));
    if (!dayOk) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return null;
}
