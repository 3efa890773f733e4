import { TwilioErrors } from './twilio-format';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

interface ParsedDate {
  ms: number;
  dateOnly: boolean;
}

/**
 * Reads a date filter value the way Twilio documents it: `YYYY-MM-DD` (GMT), an ISO 8601 date-time
 * (what the `twilio` library sends: `2023-08-24T05:01:45Z`; without a zone it is GMT), or any other
 * form Twilio's examples show (`Wed, 19 Jun 2019 22:04:00 -0000`, `06/11/2019 22:05:25 MST`).
 */
export function parseFilterDate(value: string): ParsedDate | null {
  const trimmed = value.trim();
  const d = DATE_ONLY.exec(trimmed);
  if (d) {
    const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    return validDate(ms, d) ? { ms, dateOnly: true } : null;
  }
  const t = DATE_TIME.exec(trimmed);
  if (t) {
    const zone = t[8] && t[8].toUpperCase() !== 'Z' ? t[8] : '';
    let offsetMin = 0;
    if (zone) {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    }
    const millis = t[7] ? Number(t[7].slice(0, 3).padEnd(3, '0')) : 0;
    const local = Date.UTC(
      Number(t[1]),
      Number(t[2]) - 1,
      Number(t[3]),
      Number(t[4]),
      Number(t[5]),
      Number(t[6] ?? 0),
      millis,
    );
    return validDate(local, t) ? { ms: local - offsetMin * 60_000, dateOnly: false } : null;
  }
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? { ms, dateOnly: false } : null;
}

/** Rejects 2023-02-31 and the like, which Date.UTC would roll over. */
function validDate(ms: number, m: RegExpExecArray): boolean {
  const date = new Date(ms);
  return (
    Number.isFinite(ms) &&
    date.getUTCFullYear() === Number(m[1]) &&
    date.getUTCMonth() === Number(m[2]) - 1 &&
    date.getUTCDate() === Number(m[3])
  );
}

function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function toSecond(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The filter a `Name`, `Name<` and `Name>` trio describes (e.g. DateSent, DateSent<, DateSent>):
 * - `Name=D`   the same GMT day as D (a date-time value selects its day too);
 * - `Name<=D`  on or before: the whole day D for a date, up to and including that second for a date-time;
 * - `Name>=D`  on or after: from the start of day D for a date, from that second for a date-time.
 * Records whose date is null never match once any of the three is given.
 * Throws 400 (20001) for a value it cannot read.
 */
export function dateFilter(
  name: string,
  params: Record<string, string | undefined>,
): ((ms: number | null) => boolean) | null {
  const tests: ((ms: number) => boolean)[] = [];
  const read = (key: string): ParsedDate | undefined => {
    const raw = params[key];
    if (raw === undefined) {
      return undefined;
    }
    const parsed = parseFilterDate(raw);
    if (!parsed) {
      throw TwilioErrors.invalidParameter(`Invalid value for ${key}: ${raw}`);
    }
    return parsed;
  };
  const eq = read(name);
  if (eq) {
    const start = dayStart(eq.ms);
    tests.push((ms) => ms >= start && ms < start + DAY_MS);
  }
  const before = read(`${name}<`);
  if (before) {
    if (before.dateOnly) {
      const end = before.ms + DAY_MS;
      tests.push((ms) => ms < end);
    } else {
      const limit = toSecond(before.ms);
      tests.push((ms) => toSecond(ms) <= limit);
    }
  }
  const after = read(`${name}>`);
  if (after) {
    if (after.dateOnly) {
      tests.push((ms) => ms >= after.ms);
    } else {
      const limit = toSecond(after.ms);
      tests.push((ms) => toSecond(ms) >= limit);
    }
  }
  if (tests.length === 0) {
    return null;
  }
  return (ms) => ms !== null && tests.every((test) => test(ms));
}
