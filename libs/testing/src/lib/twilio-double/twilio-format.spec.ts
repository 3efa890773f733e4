import { DoubleClock } from './clock';
import { SidFactory } from './sids';
import { countSegments, guessContentType, isValidFrom, isValidTo, rfc2822 } from './twilio-format';

describe('rfc2822', () => {
  it('writes GMT dates the way Twilio does', () => {
    expect(rfc2822(Date.parse('2023-08-24T05:01:45Z'))).toBe('Thu, 24 Aug 2023 05:01:45 +0000');
    expect(rfc2822(Date.parse('2015-08-03T04:05:06.789Z'))).toBe('Mon, 03 Aug 2015 04:05:06 +0000');
  });
});

describe('countSegments', () => {
  it.each([
    ['', 1],
    ['a'.repeat(160), 1],
    ['a'.repeat(161), 2],
    ['a'.repeat(306), 2],
    ['a'.repeat(307), 3],
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    ['✓'.repeat(70), 1],
    ['✓'.repeat(71), 2],
    ['✓'.repeat(134), 2],
    ['✓'.repeat(135), 3],
  ])('%j → %i', (body, segments) => {
    expect(countSegments(body)).toBe(segments);
  });
});

describe('addresses', () => {
  it.each(['+14155552671', 'whatsapp:+14155552671', 'messenger:1234567'])('accepts To %s', (to) => {
    expect(isValidTo(to)).toBe(true);
  });
  it.each(['4155552671', '+0123', '+1 415 555', 'whatsapp:4155552671', 'whatsapp:', ''])(
    'refuses To %j',
    (to) => {
      expect(isValidTo(to)).toBe(false);
    },
  );
  it.each(['+14155552671', '12345', 'MyShop', 'whatsapp:+14155552671'])('accepts From %s', (from) => {
    expect(isValidFrom(from)).toBe(true);
  });
  it.each(['TooLongSenderName', '12', '+1-415', ''])('refuses From %j', (from) => {
    expect(isValidFrom(from)).toBe(false);
  });
});

describe('guessContentType', () => {
  it('guesses from the extension', () => {
    expect(guessContentType('https://e.test/a/B.JPG?x=1')).toBe('image/jpeg');
    expect(guessContentType('https://e.test/clip.mp4')).toBe('video/mp4');
    expect(guessContentType('https://e.test/blob')).toBe('application/octet-stream');
  });
});

describe('SidFactory', () => {
  it('is deterministic per seed and prefix', () => {
    const a = new SidFactory('seed');
    const b = new SidFactory('seed');
    expect([a.next('SM'), a.next('SM'), a.next('ME')]).toEqual([b.next('SM'), b.next('SM'), b.next('ME')]);
    expect(new SidFactory('other').next('SM')).not.toBe(new SidFactory('seed').next('SM'));
    expect(a.token()).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('DoubleClock', () => {
  it('stands still in manual mode until moved', () => {
    const clock = new DoubleClock('manual', '2024-01-01T00:00:00Z');
    expect(clock.now()).toEqual(new Date('2024-01-01T00:00:00Z'));
    clock.advance(1_500);
    expect(clock.now()).toEqual(new Date('2024-01-01T00:00:01.500Z'));
    clock.set('2030-01-01T00:00:00Z');
    expect(clock.nowMs()).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(() => clock.set('not a date')).toThrow(TypeError);
  });

  it('follows the wall clock in system mode, shifted by advance', () => {
    const clock = new DoubleClock('system');
    const before = Date.now();
    clock.advance(60_000);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(before + 60_000);
    expect(clock.nowMs()).toBeLessThan(Date.now() + 61_000);
  });
});
