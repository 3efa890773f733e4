import { type ConformanceEnvironment, describeConformance } from '@hub/element-sdk/testing';
import { TwilioDouble } from '@hub/testing';
import { twilioDoubleFaults } from '@hub/testing/conformance';
import { twilioElement } from './twilio.element';

const SENDER = '+15005550006';
const RECIPIENT = '+15005550010';

interface TwilioEnvironment extends ConformanceEnvironment {
  readonly double: TwilioDouble;
}

/** The element's own keys for one account of the double (the kit adds the defaults). */
function configurationOf(double: TwilioDouble, accountSid: string, authToken: string) {
  return {
    'messaging.sms.twilio.account': accountSid,
    'messaging.sms.twilio.token': authToken,
    'messaging.sms.twilio.sender': SENDER,
    'base.url': double.accountsUrl,
  };
}

describeConformance<TwilioEnvironment>({
  element: twilioElement,
  async setup() {
    const double = await TwilioDouble.start();
    const account = double.addAccount();
    return {
      double,
      configuration: configurationOf(double, account.sid, account.authToken),
      rejectedConfiguration: configurationOf(double, account.sid, 'f'.repeat(32)),
      teardown: () => double.stop(),
    };
  },
  faults: twilioDoubleFaults(),
  resources: [
    {
      resource: 'messages',
      operations: ['create', 'get', 'list'],
      // From is left out: the element sends from the configured sender.
      create: { body: { To: RECIPIENT, Body: 'Conformance check' }, expect: { to: RECIPIENT, from: SENDER, body: 'Conformance check' } },
      missingId: `SM${'0'.repeat(32)}`,
    },
    { resource: 'ping', operations: ['get'] },
  ],
  pagination: {
    resource: 'messages',
    // TwilioRest.list sends Page=pageIndex when the hub asks for a page number, so both walks apply.
    byPageIndex: true,
    seed({ double }, count) {
      const account = double.addAccount();
      const ids = double.seedMessages(account.sid, count).map((m) => m.sid);
      return { ids, configuration: configurationOf(double, account.sid, account.authToken) };
    },
  },
});
