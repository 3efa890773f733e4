import { clientFor, raw } from './spec-helpers';
import { TwilioDouble } from './twilio-double';
import type { AccountCredentials } from './types';

/**
 * Numbers to buy: the double filters AvailablePhoneNumbers on Twilio's own list parameters, as the
 * official library sends them (its camelCase options become Twilio's PascalCase query parameters).
 */
describe('Twilio double: available phone numbers', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;
  let client: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    double = await TwilioDouble.start();
    account = double.addAccount();
    client = clientFor(double, account);
  });
  afterAll(() => double.stop());

  const local = async (options: Parameters<ReturnType<typeof client.availablePhoneNumbers>['local']['list']>[0]) =>
    (await client.availablePhoneNumbers('US').local.list(options)).map((n) => n.phoneNumber);

  it('filters on the capabilities, and the library sends them as SmsEnabled, MmsEnabled, VoiceEnabled', async () => {
    expect(await local({})).toEqual(['+15105550101', '+15105550102', '+15105550103', '+14155550104', '+12125550105']);
    expect(await local({ mmsEnabled: true })).toEqual(['+15105550101', '+14155550104', '+12125550105']);
    expect(await local({ smsEnabled: false })).toEqual(['+15105550103']);
    expect(await local({ voiceEnabled: false, mmsEnabled: true })).toEqual(['+12125550105']);
    const last = double.requests[double.requests.length - 1];
    expect(last.query).toMatchObject({ VoiceEnabled: 'false', MmsEnabled: 'true' });
  });

  it('filters on area code, Contains (keypad letters and * wildcards), places, Beta and address requirements', async () => {
    expect(await local({ areaCode: 510 })).toEqual(['+15105550101', '+15105550102', '+15105550103']);
    expect(await local({ contains: '555010*' })).toHaveLength(5);
    expect(await local({ contains: 'KKK0105' })).toEqual(['+12125550105']); // K is 5 on a keypad
    expect(await local({ inRegion: 'NY' })).toEqual(['+12125550105']);
    expect(await local({ inLocality: 'Berkeley' })).toEqual(['+15105550103']);
    expect(await local({ inPostalCode: '94612' })).toEqual(['+15105550101', '+15105550102']);
    expect(await local({ beta: false })).not.toContain('+14155550104');
    expect(await local({ excludeAllAddressRequired: true })).toEqual(['+15105550101', '+15105550103', '+14155550104']);
    expect(await local({ excludeLocalAddressRequired: true })).not.toContain('+15105550102');
  });

  it('finds numbers near a number or a point within Distance miles', async () => {
    expect(await local({ nearNumber: '+15105550103', distance: 5 })).toEqual(['+15105550101', '+15105550102', '+15105550103']);
    expect(await local({ nearNumber: '+15105550103', distance: 15 })).toContain('+14155550104');
    expect(await local({ nearLatLong: '40.7,-74.0', distance: 10 })).toEqual(['+12125550105']);
  });

  it('answers a bad filter value as Twilio does, with a 400 and its code', async () => {
    const base = `/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/US/Local.json`;
    for (const query of ['MmsEnabled=yes', 'AreaCode=5x0', 'Contains=5-5', 'Distance=far']) {
      const res = await raw(double, 'GET', `${base}?${query}`, { auth: account });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 20001, message: expect.stringContaining(query.split('=')[0]) });
    }
  });
});
