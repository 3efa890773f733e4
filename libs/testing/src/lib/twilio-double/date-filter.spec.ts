import { dateFilter, parseFilterDate } from './date-filter';
import { TwilioApiError } from './twilio-format';

const at = (iso: string) => Date.parse(iso);

describe('parseFilterDate', () => {
  it.each([
    ['2023-08-24', at('2023-08-24T00:00:00Z'), true],
    ['2023-08-24T05:01:45Z', at('2023-08-24T05:01:45Z'), false],
    ['2023-08-24T05:01:45', at('2023-08-24T05:01:45Z'), false],
    ['2019-06-11 22:05:25.000', at('2019-06-11T22:05:25Z'), false],
    ['2023-08-24T07:01:45+02:00', at('2023-08-24T05:01:45Z'), false],
    ['2023-08-24T01:01:45-0400', at('2023-08-24T05:01:45Z'), false],
    ['Wed, 19 Jun 2019 22:04:00 -0000', at('2019-06-19T22:04:00Z'), false],
  ])('reads %s', (value, ms, dateOnly) => {
    expect(parseFilterDate(value)).toEqual({ ms, dateOnly });
  });

  it.each(['2023-02-31', '2023-13-01', 'yesterday', '', '2023-08-24T25:00:00Z'])('refuses %j', (value) => {
    expect(parseFilterDate(value)).toBeNull();
  });
});

describe('dateFilter', () => {
  const day = (iso: string) => at(iso);

  it('is null without any of the three parameters', () => {
    expect(dateFilter('DateSent', { To: '+1' })).toBeNull();
  });

  it('matches a whole GMT day for Name=, even given a date-time', () => {
    const filter = dateFilter('DateSent', { DateSent: '2023-08-24T13:00:00Z' });
    expect(filter?.(day('2023-08-24T00:00:00Z'))).toBe(true);
    expect(filter?.(day('2023-08-24T23:59:59Z'))).toBe(true);
    expect(filter?.(day('2023-08-25T00:00:00Z'))).toBe(false);
    expect(filter?.(null)).toBe(false);
  });

  it('includes the whole day for Name< with a date, up to the second with a date-time', () => {
    const byDate = dateFilter('DateSent', { 'DateSent<': '2023-08-24' });
    expect(byDate?.(day('2023-08-24T23:59:59Z'))).toBe(true);
    expect(byDate?.(day('2023-08-25T00:00:00Z'))).toBe(false);
    const byTime = dateFilter('DateSent', { 'DateSent<': '2023-08-24T10:00:00Z' });
    expect(byTime?.(day('2023-08-24T10:00:00.900Z'))).toBe(true);
    expect(byTime?.(day('2023-08-24T10:00:01Z'))).toBe(false);
  });

  it('starts at the day for Name> with a date, at the second with a date-time; combines with Name<', () => {
    const range = dateFilter('DateSent', { 'DateSent>': '2023-08-20', 'DateSent<': '2023-08-21T12:00:00Z' });
    expect(range?.(day('2023-08-19T23:59:59Z'))).toBe(false);
    expect(range?.(day('2023-08-20T00:00:00Z'))).toBe(true);
    expect(range?.(day('2023-08-21T12:00:00Z'))).toBe(true);
    expect(range?.(day('2023-08-21T12:00:01Z'))).toBe(false);
  });

  it('throws Twilio’s 400 for an unreadable value', () => {
    expect(() => dateFilter('DateSent', { 'DateSent>': 'soon' })).toThrow(TwilioApiError);
  });
});
