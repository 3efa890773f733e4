/**
 * Contract check: every operation the Twilio elements declare sends a request that Twilio's own
 * OpenAPI description accepts. Stoplight Prism serves that description as a mock and answers 422
 * to a request that breaks it. Runs when the description is present (TWILIO_OAI_FILE, or
 * ../shared/reference/twilio-oai/twilio_api_v2010.yaml beside the repository); skipped, saying
 * why, when it is not. A declared operation without a sample below fails the suite, so a new
 * resource cannot skip the check.
 */
import type { ElementDefinition, Operation, ResourceDescriptor, VendorExchange } from '@hub/element-sdk';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ELEMENTS } from './index';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../../..');
const SPEC =
  process.env['TWILIO_OAI_FILE'] ??
  path.resolve(ROOT, '../shared/reference/twilio-oai/twilio_api_v2010.yaml');
const ACCOUNT = `AC${'a'.repeat(32)}`;
const MESSAGE = `SM${'b'.repeat(32)}`;
const MEDIA = `ME${'c'.repeat(32)}`;

interface Sample {
  id?: string;
  subId?: string;
  query?: Record<string, string>;
  body?: Record<string, string | string[]>;
}

/** One sample request per declared operation: `elementKey/resource[/sub]/operation`. */
const SAMPLES: Record<string, Sample> = {
  'twilio/messages/list': { query: { To: '+15005550010', 'DateSent>': '2026-01-01' } },
  'twilio/messages/get': { id: MESSAGE },
  'twilio/messages/create': { body: { To: '+15005550010', Body: 'contract' } },
  'twilio/ping/get': {},
  'twiliov2/messages/list': {
    query: { To: '+15005550010', From: '+15005550006', 'DateSent<': '2026-12-31' },
  },
  'twiliov2/messages/get': { id: MESSAGE },
  // No MediaUrl: Prism 5.14 reads form arrays only as `MediaUrl[]=…`, while OpenAPI's default for
  // form bodies (style form, explode) is the repeated `MediaUrl=…&MediaUrl=…` that Twilio documents
  // and its official library sends. The Twilio double's specs cover repeated MediaUrl instead.
  'twiliov2/messages/create': {
    body: {
      To: '+15005550010',
      From: '+15005550006',
      Body: 'contract',
      StatusCallback: 'https://app.example.test/s',
    },
  },
  'twiliov2/messages/update': { id: MESSAGE, body: { Body: '' } },
  'twiliov2/messages/delete': { id: MESSAGE },
  'twiliov2/messages/media/list': { id: MESSAGE },
  'twiliov2/messages/media/get': { id: MESSAGE, subId: MEDIA },
  'twiliov2/messages/media/delete': { id: MESSAGE, subId: MEDIA },
  'twiliov2/accounts/list': { query: { Status: 'active' } },
  'twiliov2/accounts/get': { id: ACCOUNT },
  'twiliov2/accounts/update': { id: ACCOUNT, body: { FriendlyName: 'contract' } },
  'twiliov2/ping/get': {},
  'twiliov2/addresses/list': { query: { CustomerName: 'Ada' } },
  'twiliov2/addresses/get': { id: `AD${'d'.repeat(32)}` },
  'twiliov2/addresses/create': {
    body: { CustomerName: 'Ada', Street: '1 Main St', City: 'Oakland', Region: 'CA', PostalCode: '94607', IsoCountry: 'US' },
  },
  'twiliov2/addresses/update': { id: `AD${'d'.repeat(32)}`, body: { FriendlyName: 'Office' } },
  'twiliov2/addresses/delete': { id: `AD${'d'.repeat(32)}` },
  'twiliov2/numbers/list': { query: { countryCode: 'US', type: 'Local', AreaCode: '510', SmsEnabled: 'true' } },
  'twiliov2/numbers/get': { id: `PN${'e'.repeat(32)}` },
  'twiliov2/numbers/create': { body: { AreaCode: '510', FriendlyName: 'Support line' } },
  'twiliov2/numbers/update': { id: `PN${'e'.repeat(32)}`, body: { SmsUrl: 'https://app.example.test/sms' } },
  'twiliov2/numbers/delete': { id: `PN${'e'.repeat(32)}` },
  'twiliov2/countryCodes/list': {},
  'twiliov2/countryCodes/get': { id: 'US' },
  'twiliov2/usage/list': { query: { Category: 'sms', StartDate: '2026-01-01' } },
  'twiliov2/calls/list': { query: { To: '+15005550010', 'StartTime>': '2026-01-01' } },
  'twiliov2/calls/get': { id: `CA${'f'.repeat(32)}` },
  'twiliov2/calls/create': { body: { To: '+15005550010', From: '+15005550006', Url: 'https://app.example.test/twiml' } },
};

function declaredOperations(element: ElementDefinition): string[] {
  const walk = (resources: readonly ResourceDescriptor[], prefix: string): string[] =>
    resources.flatMap((r) => [
      ...r.operations.map((op) => `${prefix}${r.name}/${op}`),
      ...walk(r.subresources, `${prefix}${r.name}/`),
    ]);
  return walk(element.resources, `${element.metadata.key}/`);
}

const twilioElements = ELEMENTS.filter((e) => e.metadata.key === 'twilio' || e.metadata.key === 'twiliov2');
const configurationOf = (element: ElementDefinition, accountsUrl: string): Record<string, string | null> =>
  element.metadata.key === 'twilio'
    ? {
        'messaging.sms.twilio.account': ACCOUNT,
        'messaging.sms.twilio.token': 'f'.repeat(32),
        'messaging.sms.twilio.sender': '+15005550006',
        'messaging.sms.twilio.callback.url': 'https://app.example.test/status',
        'base.url': accountsUrl,
      }
    : { username: ACCOUNT, password: 'f'.repeat(32), 'base.url': accountsUrl };

describe('every declared Twilio operation has a contract sample', () => {
  it('and every sample names a declared operation', () => {
    const declared = twilioElements.flatMap(declaredOperations).sort();
    expect(Object.keys(SAMPLES).sort()).toEqual(declared);
  });
});

(existsSync(SPEC) ? describe : describe.skip)(
  `Twilio adapters against Prism serving ${path.basename(SPEC)}`,
  () => {
    let prism: ChildProcess;
    let accountsUrl: string;

    beforeAll(async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      prism = spawn(
        path.join(ROOT, 'node_modules/.bin/prism'),
        ['mock', '-h', '127.0.0.1', '-p', String(port), SPEC],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      prism.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      prism.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      for (let i = 0; !/Prism is listening/.test(output); i++) {
        if (prism.exitCode !== null || i > 900) throw new Error(`Prism did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      accountsUrl = `http://127.0.0.1:${port}/2010-04-01/Accounts`;
    });
    afterAll(() => {
      prism?.kill('SIGTERM');
    });

    const cases = twilioElements.flatMap((element) =>
      declaredOperations(element).map((key) => [key, element] as const),
    );

    it.each(cases)('%s sends a request Twilio’s description accepts', async (key, element) => {
      const exchanges: VendorExchange[] = [];
      const connection = element.connect(configurationOf(element, accountsUrl), {
        timeoutMs: 10_000,
        onVendorExchange: (e) => exchanges.push(e),
      });
      const parts = key.split('/').slice(1);
      const operation = parts.pop() as Operation;
      const sample = SAMPLES[key];
      await connection
        .invoke({
          resourcePath: parts,
          operation,
          request: {
            id: sample.id,
            subId: sample.subId,
            query: sample.query ?? {},
            body: sample.body ?? {},
            page: { pageSize: 20 },
            configuration: configurationOf(element, accountsUrl),
          },
        })
        .catch(() => undefined);
      expect(exchanges.length).toBeGreaterThan(0);
      for (const exchange of exchanges) {
        // A 422 carries Prism's validation details in its body; anything but 2xx means the path or form is off.
        if (!exchange.status || exchange.status >= 300) {
          throw new Error(
            `${exchange.method} ${exchange.url} → ${exchange.status ?? exchange.error}: ${exchange.responseBody ?? ''}`,
          );
        }
      }
    });

    it('catches a request that breaks the contract (a message without To)', async () => {
      const element = twilioElements.find((e) => e.metadata.key === 'twiliov2') as ElementDefinition;
      const exchanges: VendorExchange[] = [];
      const connection = element.connect(configurationOf(element, accountsUrl), {
        timeoutMs: 10_000,
        onVendorExchange: (e) => exchanges.push(e),
      });
      await expect(
        connection.invoke({
          resourcePath: ['messages'],
          operation: 'create',
          request: {
            query: {},
            body: { From: '+15005550006', Body: 'no recipient' },
            page: { pageSize: 20 },
            configuration: configurationOf(element, accountsUrl),
          },
        }),
      ).rejects.toMatchObject({ status: 422 });
      expect(exchanges[0]).toMatchObject({
        status: 422,
        responseBody: expect.stringContaining("required property 'To'"),
      });
    });
  },
);
