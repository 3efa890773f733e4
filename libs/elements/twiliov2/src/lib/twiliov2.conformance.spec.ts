import { type ConformanceEnvironment, describeConformance } from '@hub/element-sdk/testing';
import { TwilioDouble } from '@hub/testing';
import { twilioDoubleFaults } from '@hub/testing/conformance';
import { twiliov2Element } from './twiliov2.element';

const SENDER = '+15005550006';
const RECIPIENT = '+15005550011';

interface TwilioEnvironment extends ConformanceEnvironment {
  readonly double: TwilioDouble;
  readonly accountSid: string;
}

function configurationOf(double: TwilioDouble, accountSid: string, authToken: string) {
  return { username: accountSid, password: authToken, 'base.url': double.accountsUrl };
}

describeConformance<TwilioEnvironment>({
  element: twiliov2Element,
  async setup() {
    const double = await TwilioDouble.start();
    const account = double.addAccount({ friendlyName: 'Conformance' });
    return {
      double,
      accountSid: account.sid,
      configuration: configurationOf(double, account.sid, account.authToken),
      rejectedConfiguration: configurationOf(double, account.sid, 'f'.repeat(32)),
      teardown: () => double.stop(),
    };
  },
  faults: twilioDoubleFaults(),
  resources: [
    {
      resource: 'messages',
      operations: ['create', 'get', 'list', 'update', 'delete'],
      create: { body: { To: RECIPIENT, From: SENDER, Body: 'Conformance check' }, expect: { to: RECIPIENT, from: SENDER, body: 'Conformance check' } },
      // Redaction: Twilio keeps the message and empties its body.
      update: { body: { Body: '' }, expect: { body: '' } },
      missingId: `SM${'0'.repeat(32)}`,
      // Twilio refuses to delete a message whose delivery is not final: let the double's clock run.
      beforeDelete: ({ double }) => void double.advance(60_000),
    },
    {
      resource: 'accounts',
      operations: ['get', 'list', 'update'],
      existingId: ({ accountSid }) => accountSid,
      update: { body: { FriendlyName: 'Renamed by the kit' }, expect: { friendly_name: 'Renamed by the kit' } },
      // No missingId: an account SID the credentials do not own is refused (401), not "not found".
    },
    { resource: 'ping', operations: ['get'] },
    {
      resource: 'addresses',
      operations: ['create', 'get', 'list', 'update', 'delete'],
      create: {
        body: { CustomerName: 'Ada Lovelace', Street: '1 Main St', City: 'Oakland', Region: 'CA', PostalCode: '94607', IsoCountry: 'US' },
        expect: { customer_name: 'Ada Lovelace', iso_country: 'US' },
      },
      update: { body: { FriendlyName: 'Office' }, expect: { friendly_name: 'Office' } },
      missingId: `AD${'0'.repeat(32)}`,
    },
    {
      resource: 'numbers',
      operations: ['create', 'get', 'list', 'update', 'delete'],
      create: { body: { AreaCode: '510' }, expect: { iso_country: 'US' } },
      update: { body: { FriendlyName: 'Support line' }, expect: { friendly_name: 'Support line' } },
      missingId: `PN${'0'.repeat(32)}`,
    },
    { resource: 'countryCodes', operations: ['get', 'list'], existingId: () => 'US', missingId: 'ZZ' },
    { resource: 'usage', operations: ['list'] },
    {
      resource: 'calls',
      operations: ['create', 'get', 'list'],
      create: { body: { To: RECIPIENT, From: SENDER, Url: 'https://app.example.test/twiml' }, expect: { to: RECIPIENT, status: 'queued' } },
      missingId: `CA${'0'.repeat(32)}`,
    },
  ],
  pagination: {
    resource: 'messages',
    byPageIndex: true,
    seed({ double }, count) {
      const account = double.addAccount();
      const ids = double.seedMessages(account.sid, count).map((m) => m.sid);
      return { ids, configuration: configurationOf(double, account.sid, account.authToken) };
    },
  },
});
