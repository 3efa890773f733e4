import { CronError, nextRun, parseQuartzCron } from './cron';

describe('Quartz cron', () => {
  it('accepts the expressions the old platform used', () => {
    for (const e of ['0 0/15 * 1/1 * ? *', '0 0/60 * 1/1 * ? *', '0 0/1 * 1/1 * ? *', '0 30 9 ? * MON-FRI *', '0 0 12 1 JAN ? 2030']) {
      expect(() => parseQuartzCron(e)).not.toThrow();
    }
  });

  it('refuses schedules finer than a minute and malformed fields, naming them', () => {
    expect(() => parseQuartzCron('0/30 * * 1/1 * ? *')).toThrow(/at most once a minute/);
    expect(() => parseQuartzCron('0 61 * * * ? *')).toThrow(/minutes field/);
    expect(() => parseQuartzCron('0 * * * *')).toThrow(/7 fields/);
    expect(() => parseQuartzCron('0 * * * * * *')).toThrow(/must be '\?'/);
    expect(() => parseQuartzCron('0 0 0 L * ? *')).toThrow(CronError);
  });

  it('finds the next minute the schedule names', () => {
    const at = (iso: string) => new Date(iso);
    expect(nextRun(parseQuartzCron('0 0/15 * 1/1 * ? *'), at('2026-01-01T10:07:30Z'))?.toISOString()).toBe('2026-01-01T10:15:00.000Z');
    expect(nextRun(parseQuartzCron('0 0/1 * 1/1 * ? *'), at('2026-01-01T10:07:00Z'))?.toISOString()).toBe('2026-01-01T10:08:00.000Z');
    expect(nextRun(parseQuartzCron('0 0/60 * 1/1 * ? *'), at('2026-01-01T23:59:00Z'))?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    // 2026-01-03 is a Saturday: the next weekday 09:30 is Monday the 5th
    expect(nextRun(parseQuartzCron('0 30 9 ? * MON-FRI *'), at('2026-01-02T10:00:00Z'))?.toISOString()).toBe('2026-01-05T09:30:00.000Z');
    expect(nextRun(parseQuartzCron('0 0 12 1 JAN ? 2030'), at('2026-06-01T00:00:00Z'))?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(nextRun(parseQuartzCron('0 0 12 1 JAN ? 2020'), at('2026-06-01T00:00:00Z'))).toBeNull();
  });
});
