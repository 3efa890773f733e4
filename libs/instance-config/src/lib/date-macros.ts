/**
 * The poller's URL macros, replaced by the last poll time:
 *   ${date:FMT}                server time zone (the hub's TZ)
 *   ${gmtDate:FMT}             GMT
 *   ${dateTimeZone:ZONE:FMT}   an IANA zone, e.g. America/New_York
 *   ${epoch} / ${epoch:ms}     milliseconds since 1970;  ${epoch:s} seconds;  ${epoch:us} microseconds
 * FMT is a Java SimpleDateFormat pattern ('quoted' text, '' for a quote). Supported letters:
 *   G y M L d D E u a H k K h m s S z Z X   (week-based letters Y w W F are refused)
 */

const SUPPORTED = new Set('GyMLdDEuaHkKhmsSzZX'.split(''));
const WEEK_BASED = new Set('YwWF'.split(''));

export type PatternToken = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number };

/** Splits a SimpleDateFormat pattern; returns a problem message instead when it is not one. */
export function parseDatePattern(pattern: string): PatternToken[] | string {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return `has an unclosed quote at position ${i + 1}`;
      // inside quotes, '' is a quote
      let text = '';
      let j = i + 1;
      for (;;) {
        const close = pattern.indexOf("'", j);
        if (close < 0) return `has an unclosed quote at position ${i + 1}`;
        text += pattern.slice(j, close);
        if (pattern[close + 1] === "'") {
          text += "'";
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      tokens.push({ kind: 'literal', text });
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let width = 1;
      while (pattern[i + width] === c) width++;
      if (WEEK_BASED.has(c)) return `uses '${c}', a week-based field the hub does not format`;
      if (!SUPPORTED.has(c)) return `uses '${c}', which is not a SimpleDateFormat letter (quote literal text: 'T')`;
      tokens.push({ kind: 'field', letter: c, width });
      i += width;
      continue;
    }
    tokens.push({ kind: 'literal', text: c });
    i++;
  }
  if (!tokens.some((t) => t.kind === 'field')) return 'has no date or time field';
  return tokens;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one (every poll expands its URL). */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    if (zoneFormats.size < 1_000) zoneFormats.set(zone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a zone, and that zone's offset from UTC in minutes. */
function inZone(instant: Date, zone: string) {
  // UTC, the default zone, without Intl: formatToParts was the dearest step of expanding a poll's URL.
  if (zone === 'UTC') {
    const [year, month, day] = [instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate()];
    return { year, month, day, hour: instant.getUTCHours(), minute: instant.getUTCMinutes(), second: instant.getUTCSeconds(), ms: instant.getUTCMilliseconds(), offset: 0, zoneName: 'UTC' };
  }
  const parts = Object.fromEntries(
    zoneFormat(zone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts['year']);
  const month = Number(parts['month']);
  const day = Number(parts['day']);
  const hour = Number(parts['hour']) % 24;
  const minute = Number(parts['minute']);
  const second = Number(parts['second']);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offset = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  return { year, month, day, hour, minute, second, ms: instant.getUTCMilliseconds(), offset, zoneName: String(parts['timeZoneName'] ?? zone) };
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

function offsetText(minutes: number, style: 'Z' | 'X1' | 'X2' | 'X3'): string {
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const m = pad(Math.abs(minutes) % 60, 2);
  return style === 'X1' ? `${sign}${h}` : style === 'X3' ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
}

/** Formats an instant with a parsed SimpleDateFormat pattern in a zone. */
export function formatDate(instant: Date, tokens: readonly PatternToken[], zone: string): string {
  const t = inZone(instant, zone);
  const dayOfWeek = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
  const dayOfYear = Math.round((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(t.year, 0, 1)) / 86_400_000) + 1;
  return tokens
    .map((token) => {
      if (token.kind === 'literal') return token.text;
      const w = token.width;
      switch (token.letter) {
        case 'G':
          return t.year > 0 ? 'AD' : 'BC';
        case 'y':
          return w === 2 ? pad(t.year % 100, 2) : pad(t.year, w);
        case 'M':
        case 'L':
          return w >= 4 ? MONTHS[t.month - 1] : w === 3 ? MONTHS[t.month - 1].slice(0, 3) : pad(t.month, w);
        case 'd':
          return pad(t.day, w);
        case 'D':
          return pad(dayOfYear, w);
        case 'E':
          return w >= 4 ? DAYS[dayOfWeek] : DAYS[dayOfWeek].slice(0, 3);
        case 'u':
          return pad(dayOfWeek === 0 ? 7 : dayOfWeek, w);
        case 'a':
          return t.hour < 12 ? 'AM' : 'PM';
        case 'H':
          return pad(t.hour, w);
        case 'k':
          return pad(t.hour === 0 ? 24 : t.hour, w);
        case 'K':
          return pad(t.hour % 12, w);
        case 'h':
          return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, w);
        case 'm':
          return pad(t.minute, w);
        case 's':
          return pad(t.second, w);
        case 'S':
          return pad(t.ms, w);
        case 'z':
          return t.zoneName;
        case 'Z':
          return offsetText(t.offset, 'Z');
        default:
          return offsetText(t.offset, w === 1 ? 'X1' : w === 2 ? 'X2' : 'X3');
      }
    })
    .join('');
}

export interface Macro {
  readonly text: string;
  readonly render: (instant: Date) => string;
}

/** Finds and checks every ${…} macro of a URL; returns the problems found instead when there are any. */
let systemZone: string | undefined;
const serverTimeZone = () => (systemZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

export function parseUrlMacros(url: string, serverZone = serverTimeZone()): Macro[] | string[] {
  const macros: Macro[] = [];
  const problems: string[] = [];
  const re = /\$\{([^}]*)\}/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(url)) !== null) {
    const text = match[0];
    const body = match[1];
    const colon = body.indexOf(':');
    const name = colon < 0 ? body : body.slice(0, colon);
    const rest = colon < 0 ? undefined : body.slice(colon + 1);
    const withPattern = (pattern: string | undefined, zone: string) => {
      if (!pattern) return problems.push(`${text} needs a date pattern, e.g. \${${name}:yyyy-MM-dd'T'HH:mm:ssXXX}`);
      const tokens = parseDatePattern(pattern);
      if (typeof tokens === 'string') return problems.push(`${text}: the pattern ${tokens}`);
      return macros.push({ text, render: (instant) => formatDate(instant, tokens, zone) });
    };
    switch (name) {
      case 'date':
        withPattern(rest, serverZone);
        break;
      case 'gmtDate':
        withPattern(rest, 'UTC');
        break;
      case 'dateTimeZone': {
        const second = rest?.indexOf(':') ?? -1;
        const zone = rest && second > 0 ? rest.slice(0, second) : undefined;
        if (!zone || !isTimeZone(zone)) {
          problems.push(`${text} needs a time zone then a pattern: \${dateTimeZone:America/New_York:yyyy-MM-dd}${zone ? ` ('${zone}' is not a time zone)` : ''}`);
          break;
        }
        withPattern(rest?.slice(second + 1), zone);
        break;
      }
      case 'epoch': {
        const unit = rest ?? 'ms';
        const scale = unit === 'ms' ? 1 : unit === 's' ? 1 / 1000 : unit === 'us' ? 1000 : undefined;
        if (scale === undefined) problems.push(`${text}: the unit must be s, ms or us`);
        else macros.push({ text, render: (instant) => String(Math.floor(instant.getTime() * scale)) });
        break;
      }
      default:
        problems.push(`${text} is not a macro (known: \${date:FMT}, \${gmtDate:FMT}, \${dateTimeZone:ZONE:FMT}, \${epoch}, \${epoch:s}, \${epoch:us})`);
    }
  }
  if (/\$\{[^}]*$/.test(url)) problems.push('has an unclosed ${');
  return problems.length > 0 ? problems : macros;
}

/** Replaces every macro of a (checked) URL with the given instant. */
export function expandUrlMacros(url: string, instant: Date, serverZone?: string): string {
  const macros = parseUrlMacros(url, serverZone);
  if (macros.length > 0 && typeof macros[0] === 'string') throw new Error(`bad poller URL: ${(macros as string[]).join('; ')}`);
  let out = url;
  for (const macro of macros as Macro[]) out = out.replace(macro.text, macro.render(instant));
  return out;
}
