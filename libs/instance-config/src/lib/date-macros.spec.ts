import { expandUrlMacros, formatDate, parseDatePattern, parseUrlMacros } from './date-macros';

const at = new Date('2026-03-08T07:05:09.042Z'); // a Sunday; 2026-03-08 is when New York moves to EDT at 07:00 UTC

const fmt = (pattern: string, zone = 'UTC') => {
  const tokens = parseDatePattern(pattern);
  if (typeof tokens === 'string') throw new Error(tokens);
  return formatDate(at, tokens, zone);
};

describe('SimpleDateFormat patterns', () => {
  it.each([
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2026-03-08T07:05:09Z'],
    ['EEE, dd MMM yyyy HH:mm:ss Z', 'Sun, 08 Mar 2026 07:05:09 +0000'],
    ['yy/M/d h:m:s a', '26/3/8 7:5:9 AM'],
    ['EEEE MMMM D DDD u k K S SSS', 'Sunday March 67 067 7 7 7 42 042'],
    ["'quoted ''text''' yyyy", "quoted 'text' 2026"],
    ["''yyyy''", "'2026'"],
  ])('%s → %s', (pattern, expected) => {
    expect(fmt(pattern)).toBe(expected);
  });

  it('formats in a named zone with its offset, across a DST change', () => {
    expect(fmt("yyyy-MM-dd'T'HH:mm:ssXXX", 'America/New_York')).toBe('2026-03-08T03:05:09-04:00');
    expect(formatDate(new Date('2026-03-08T06:59:00Z'), parseDatePattern('HH:mm Z') as never, 'America/New_York')).toBe('01:59 -0500');
    expect(fmt('HH:mm X', 'Asia/Kolkata')).toBe('12:35 +05');
  });

  it('formats in UTC (computed without Intl) exactly as Intl formats the same instant in Etc/UTC', () => {
    const pattern = parseDatePattern("EEE, dd MMM yyyy HH:mm:ss.SSS Z z XXX D") as never;
    for (const instant of [at, new Date('2024-02-29T23:59:59.999Z'), new Date('1999-12-31T00:00:00Z'), new Date(0)]) {
      expect(formatDate(instant, pattern, 'UTC')).toBe(formatDate(instant, pattern, 'Etc/UTC'));
    }
  });

  it.each([
    ["yyyy-MM-dd'T", 'has an unclosed quote'],
    ['yyyy-ww', "uses 'w', a week-based field"],
    ['yyyy-MM-ddTHH', "uses 'T', which is not a SimpleDateFormat letter"],
    ['---', 'has no date or time field'],
  ])('refuses %j', (pattern, problem) => {
    expect(parseDatePattern(pattern)).toEqual(expect.stringContaining(problem));
  });
});

describe('URL macros', () => {
  it('expands every macro kind', () => {
    const url = "/hubs/messaging/messages?where=DateSent>='${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}'&a=${epoch}&b=${epoch:s}&c=${epoch:us}&d=${dateTimeZone:Asia/Tokyo:HH:mm}&e=${date:yyyy}";
    expect(expandUrlMacros(url, at, 'UTC')).toBe(
      "/hubs/messaging/messages?where=DateSent>='2026-03-08T07:05:09Z'&a=1772953509042&b=1772953509&c=1772953509042000&d=16:05&e=2026",
    );
  });

  it('keeps the seed poller URL working', () => {
    expect(expandUrlMacros("/hubs/messaging/messages?where=DateSent='${date:yyyy-MM-dd'T'HH:mm:ssXXX}'", at, 'UTC')).toBe(
      "/hubs/messaging/messages?where=DateSent='2026-03-08T07:05:09Z'",
    );
  });

  it('names every bad macro', () => {
    expect(parseUrlMacros('/x?a=${nope}&b=${date}&c=${dateTimeZone:Mars/Base:HH}&d=${epoch:min}&e=${gmtDate:yyyy-ww}&f=${date:yy')).toEqual([
      expect.stringContaining('${nope} is not a macro'),
      expect.stringContaining('${date} needs a date pattern'),
      expect.stringContaining("'Mars/Base' is not a time zone"),
      expect.stringContaining('${epoch:min}: the unit must be s, ms or us'),
      expect.stringContaining("${gmtDate:yyyy-ww}: the pattern uses 'w'"),
      expect.stringContaining('unclosed ${'),
    ]);
  });
});
