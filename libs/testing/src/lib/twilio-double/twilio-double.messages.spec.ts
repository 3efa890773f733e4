import { TwilioDouble } from './twilio-double';
import { type TwilioClient, clientFor, raw, restError } from './spec-helpers';
import type { AccountCredentials, TwilioMessageJson } from './types';

const FROM = '+15017122661';
const TO = '+15558675310';

describe('TwilioDouble: messages', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;
  let client: TwilioClient;

  beforeEach(async () => {
    double = await TwilioDouble.start({ now: '2023-08-24T05:01:45Z' });
    account = double.addAccount();
    client = clientFor(double, account);
  });

  afterEach(() => double.stop());

  describe('create', () => {
    it('answers 201 with a queued outbound message in Twilio JSON', async () => {
      const response = await raw(double, 'POST', `/2010-04-01/Accounts/${account.sid}/Messages.json`, {
        auth: account,
        form: { To: TO, From: FROM, Body: 'Hello! 👍', SomethingNew: 'ignored' },
      });
      expect(response.status).toBe(201);
      const message = response.json as TwilioMessageJson;
      expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(message).toEqual({
        account_sid: account.sid,
        api_version: '2010-04-01',
        body: 'Hello! 👍',
        date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
        date_sent: null,
        date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: FROM,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: null,
        sid: message.sid,
        status: 'queued',
        subresource_uris: {
          media: `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}/Media.json`,
          feedback: `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}/Feedback.json`,
        },
        to: TO,
        uri: `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}.json`,
      });
    });

    it('creates through the twilio library, counting segments as strings', async () => {
      const long = await client.messages.create({ to: TO, from: FROM, body: 'x'.repeat(161) });
      expect(long.numSegments).toBe('2');
      expect(long.numMedia).toBe('0');
      expect(long.status).toBe('queued');
      expect(long.direction).toBe('outbound-api');
      expect(long.dateCreated).toEqual(new Date('2023-08-24T05:01:45Z'));
      expect(long.price).toBeNull();
      const unicode = await client.messages.create({ to: TO, from: FROM, body: 'é✓'.repeat(36) });
      expect(unicode.numSegments).toBe('2');
    });

    it('accepts a Messaging Service instead of From (status accepted, from null)', async () => {
      const message = await client.messages.create({
        to: TO,
        messagingServiceSid: `MG${'a'.repeat(32)}`,
        body: 'via service',
      });
      expect(message.status).toBe('accepted');
      expect(message.from).toBeNull();
      expect(message.messagingServiceSid).toBe(`MG${'a'.repeat(32)}`);
    });

    it.each([
      ['no To', { from: FROM, body: 'x' }, 21604, "A 'To' phone number is required."],
      [
        'a To not in E.164',
        { to: '5558675310', from: FROM, body: 'x' },
        21211,
        "The 'To' number 5558675310 is not a valid phone number.",
      ],
      [
        'a bad WhatsApp To',
        { to: 'whatsapp:12', from: FROM, body: 'x' },
        21211,
        "The 'To' number whatsapp:12 is not a valid phone number.",
      ],
      ['no From nor MessagingServiceSid', { to: TO, body: 'x' }, 21603, "A 'From' phone number is required."],
      [
        'a malformed From',
        { to: TO, from: '+1 (555) 000', body: 'x' },
        21212,
        expect.stringContaining("The 'From' number +1 (555) 000"),
      ],
      [
        'a malformed MessagingServiceSid',
        { to: TO, messagingServiceSid: 'MG123', body: 'x' },
        21701,
        'The Messaging Service Sid MG123 is invalid.',
      ],
      [
        'no Body nor MediaUrl',
        { to: TO, from: FROM },
        21619,
        'A text message body or media urls must be specified.',
      ],
      [
        'an empty Body',
        { to: TO, from: FROM, body: '' },
        21619,
        'A text message body or media urls must be specified.',
      ],
      [
        'a 1601-character Body',
        { to: TO, from: FROM, body: 'x'.repeat(1601) },
        21617,
        'The concatenated message body exceeds the 1600 character limit.',
      ],
      [
        'an ftp MediaUrl',
        { to: TO, from: FROM, mediaUrl: ['ftp://x/y.png'] },
        21620,
        expect.stringContaining('ftp://x/y.png'),
      ],
      [
        '11 MediaUrls',
        { to: TO, from: FROM, mediaUrl: Array.from({ length: 11 }, (_, i) => `https://x.test/${i}.png`) },
        21623,
        expect.any(String),
      ],
    ])('refuses %s', async (_label, params, code, message) => {
      // The library itself insists on `to`; send the request without it by hand.
      if (!('to' in params)) {
        const response = await raw(double, 'POST', `/2010-04-01/Accounts/${account.sid}/Messages.json`, {
          auth: account,
          form: { From: FROM, Body: 'x' },
        });
        expect(response.status).toBe(400);
        expect(response.json).toEqual({
          code,
          message,
          more_info: `https://www.twilio.com/docs/errors/${code}`,
          status: 400,
        });
        return;
      }
      const error = await restError(
        client.messages.create(params as Parameters<TwilioClient['messages']['create']>[0]),
      );
      expect(error).toEqual({
        status: 400,
        code,
        message,
        moreInfo: `https://www.twilio.com/docs/errors/${code}`,
      });
    });

    it('stores nothing for a refused message', async () => {
      await restError(client.messages.create({ to: 'nope', from: FROM, body: 'x' }));
      expect(double.listMessages()).toEqual([]);
    });

    it('refuses an opted-out recipient with 21610', async () => {
      double.addOptOut(account.sid, TO);
      expect((await restError(client.messages.create({ to: TO, from: FROM, body: 'x' }))).code).toBe(21610);
      expect((await client.messages.create({ to: '+15550000001', from: FROM, body: 'x' })).status).toBe(
        'queued',
      );
    });
  });

  describe('status progression on the double’s clock', () => {
    it('moves queued → sending → sent → delivered at 1 s / 2 s / 5 s', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'progress' });
      const status = async () => client.messages(created.sid).fetch();
      expect((await status()).status).toBe('queued');
      double.advance(999);
      expect((await status()).status).toBe('queued');
      double.advance(1);
      const sending = await status();
      expect(sending.status).toBe('sending');
      expect(sending.dateSent).toBeNull();
      expect(sending.dateUpdated).toEqual(new Date('2023-08-24T05:01:46Z'));
      double.advance(1_000);
      const sent = await status();
      expect(sent.status).toBe('sent');
      expect(sent.dateSent).toEqual(new Date('2023-08-24T05:01:47Z'));
      expect(sent.price).toBe('-0.00790');
      expect(sent.priceUnit).toBe('USD');
      double.advance(2_999);
      expect((await status()).status).toBe('sent');
      double.advance(1);
      const delivered = await status();
      expect(delivered.status).toBe('delivered');
      expect(delivered.dateUpdated).toEqual(new Date('2023-08-24T05:01:50Z'));
      expect(delivered.dateSent).toEqual(new Date('2023-08-24T05:01:47Z'));
      expect(delivered.dateCreated).toEqual(new Date('2023-08-24T05:01:45Z'));
    });

    it('jumps straight to the final state when the clock leaps, and never goes back', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'leap' });
      double.setNow('2023-08-25T00:00:00Z');
      expect((await client.messages(created.sid).fetch()).status).toBe('delivered');
      double.setNow('2023-08-24T05:01:45Z');
      expect((await client.messages(created.sid).fetch()).status).toBe('delivered');
    });

    it('ends messages to a configured recipient as undelivered or failed with the error code', async () => {
      double.setRecipientOutcome('+15550000003', {
        status: 'undelivered',
        errorCode: 30003,
        errorMessage: 'Unreachable',
      });
      double.setRecipientOutcome('+15550000005', { status: 'failed', errorCode: 30005 });
      const undelivered = await client.messages.create({ to: '+15550000003', from: FROM, body: 'x' });
      const failed = await client.messages.create({ to: '+15550000005', from: FROM, body: 'x' });
      double.advance(2_000);
      const failedNow = await client.messages(failed.sid).fetch();
      expect(failedNow.status).toBe('failed');
      expect(failedNow.errorCode).toBe(30005);
      expect(failedNow.dateSent).toBeNull();
      expect((await client.messages(undelivered.sid).fetch()).status).toBe('sent');
      double.advance(3_000);
      const undeliveredNow = await client.messages(undelivered.sid).fetch();
      expect(undeliveredNow.status).toBe('undelivered');
      expect(undeliveredNow.errorCode).toBe(30003);
      expect(undeliveredNow.errorMessage).toBe('Unreachable');
    });

    it('honours custom thresholds and a scheduled SendAt', async () => {
      await double.stop();
      double = await TwilioDouble.start({
        now: '2023-08-24T05:00:00Z',
        progression: { sendingAfterMs: 10, sentAfterMs: 20, deliveredAfterMs: 30 },
      });
      account = double.addAccount();
      client = clientFor(double, account);
      const scheduled = await client.messages.create({
        to: TO,
        messagingServiceSid: `MG${'b'.repeat(32)}`,
        body: 'later',
        scheduleType: 'fixed',
        sendAt: new Date('2023-08-24T06:00:00Z'),
      });
      expect(scheduled.status).toBe('scheduled');
      double.setNow('2023-08-24T06:00:00.015Z');
      expect((await client.messages(scheduled.sid).fetch()).status).toBe('sending');
      double.advance(15);
      expect((await client.messages(scheduled.sid).fetch()).status).toBe('delivered');
    });

    it('lets a test force a status', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'x' });
      double.setMessageStatus(created.sid, 'undelivered', {
        errorCode: 30007,
        errorMessage: 'Carrier violation',
      });
      double.advance(10_000);
      const fetched = await client.messages(created.sid).fetch();
      expect(fetched.status).toBe('undelivered');
      expect(fetched.errorCode).toBe(30007);
    });
  });

  describe('fetch, update, remove', () => {
    it('fetches a message and 404s an unknown or foreign one', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'fetch me' });
      expect((await client.messages(created.sid).fetch()).body).toBe('fetch me');
      const unknown = `SM${'0'.repeat(32)}`;
      const error = await restError(client.messages(unknown).fetch());
      expect(error.status).toBe(404);
      expect(error.code).toBe(20404);
      expect(error.message).toBe(
        `The requested resource /2010-04-01/Accounts/${account.sid}/Messages/${unknown}.json was not found`,
      );
      const other = double.addAccount();
      expect((await restError(clientFor(double, other).messages(created.sid).fetch())).status).toBe(404);
    });

    it('redacts the body with Body=""', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'secret' });
      double.advance(60_000);
      const redacted = await client.messages(created.sid).update({ body: '' });
      expect(redacted.body).toBe('');
      expect(redacted.dateUpdated).toEqual(new Date('2023-08-24T05:02:45Z'));
      expect((await client.messages(created.sid).fetch()).body).toBe('');
      expect((await restError(client.messages(created.sid).update({ body: 'new text' }))).status).toBe(400);
    });

    it('cancels only a message not yet sending (else 30409)', async () => {
      const first = await client.messages.create({ to: TO, from: FROM, body: 'cancel me' });
      const canceled = await client.messages(first.sid).update({ status: 'canceled' });
      expect(canceled.status).toBe('canceled');
      double.advance(10_000);
      expect((await client.messages(first.sid).fetch()).status).toBe('canceled');

      const second = await client.messages.create({ to: TO, from: FROM, body: 'too late' });
      double.advance(1_000);
      const error = await restError(client.messages(second.sid).update({ status: 'canceled' }));
      expect(error).toMatchObject({ status: 400, code: 30409, message: 'This message cannot be canceled' });
    });

    it('removes a finished message (204), refusing one still in progress (409 / 20009)', async () => {
      const created = await client.messages.create({ to: TO, from: FROM, body: 'bye' });
      const early = await restError(client.messages(created.sid).remove());
      expect(early).toMatchObject({ status: 409, code: 20009 });
      double.advance(5_000);
      const response = await raw(
        double,
        'DELETE',
        `/2010-04-01/Accounts/${account.sid}/Messages/${created.sid}.json`,
        {
          auth: account,
        },
      );
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect((await restError(client.messages(created.sid).fetch())).status).toBe(404);
      expect((await restError(client.messages(created.sid).remove())).status).toBe(404);
    });

    it('removes through the twilio library', async () => {
      const [seeded] = double.seedMessages(account.sid, 1);
      await expect(client.messages(seeded.sid).remove()).resolves.toBe(true);
      expect(double.getMessage(seeded.sid)).toBeUndefined();
    });
  });

  describe('list and filters', () => {
    beforeEach(() => {
      double.seedMessages(account.sid, 3, {
        to: '+15550000001',
        start: '2023-08-20T10:00:00Z',
        intervalMs: 3_600_000,
      });
      double.seedMessages(account.sid, 2, {
        to: '+15550000002',
        from: '+15550009999',
        start: '2023-08-21T23:59:59Z',
      });
      double.addInboundMessage({ accountSid: account.sid, from: '+15550000001', to: FROM, body: 'reply' });
    });

    it('lists newest first, inbound included', async () => {
      const all = await client.messages.list();
      expect(all).toHaveLength(6);
      expect(all[0].direction).toBe('inbound');
      expect(all[0].status).toBe('received');
      expect(all[0].dateSent).toEqual(new Date('2023-08-24T05:01:45Z'));
      const times = all.map((m) => (m.dateSent as Date).getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('lists messages of the same instant newest-created first', async () => {
      const first = await client.messages.create({ to: TO, from: FROM, body: 'first' });
      const second = await client.messages.create({ to: TO, from: FROM, body: 'second' });
      const listed = await client.messages.list({ limit: 3 });
      expect(listed.map((m) => m.sid)).toEqual([second.sid, first.sid, expect.any(String)]);
      expect(listed[2].direction).toBe('inbound');
    });

    it('filters by To and From', async () => {
      expect(await client.messages.list({ to: '+15550000001' })).toHaveLength(3);
      expect(await client.messages.list({ from: '+15550009999' })).toHaveLength(2);
      expect(await client.messages.list({ from: '+15550000001' })).toHaveLength(1);
      expect(await client.messages.list({ to: '+15550000001', from: '+15550009999' })).toHaveLength(0);
    });

    it('filters by DateSent, DateSent< and DateSent> as dates or date-times', async () => {
      const count = async (query: string) => {
        const response = await raw(
          double,
          'GET',
          `/2010-04-01/Accounts/${account.sid}/Messages.json?${query}`,
          {
            auth: account,
          },
        );
        expect(response.status).toBe(200);
        return (response.json as { messages: unknown[] }).messages.length;
      };
      expect(await count('DateSent=2023-08-20')).toBe(3);
      expect(await count('DateSent=2023-08-21')).toBe(1);
      expect(await count('DateSent=2023-08-22')).toBe(1);
      expect(await count('DateSent<=2023-08-21')).toBe(4);
      expect(await count('DateSent>=2023-08-22')).toBe(2);
      expect(
        await count(`${encodeURIComponent('DateSent>')}=${encodeURIComponent('2023-08-20T11:00:00Z')}`),
      ).toBe(5);
      expect(
        await count(`${encodeURIComponent('DateSent<')}=${encodeURIComponent('2023-08-20T11:00:00Z')}`),
      ).toBe(2);
      expect(await count(`DateSent%3E=${encodeURIComponent('Mon, 21 Aug 2023 23:59:59 +0000')}`)).toBe(3);
      expect(
        (
          await raw(double, 'GET', `/2010-04-01/Accounts/${account.sid}/Messages.json?DateSent=yesterday`, {
            auth: account,
          })
        ).status,
      ).toBe(400);

      // The library sends full ISO date-times.
      expect(await client.messages.list({ dateSentAfter: new Date('2023-08-21T00:00:00Z') })).toHaveLength(3);
      expect(await client.messages.list({ dateSentBefore: new Date('2023-08-20T12:00:00Z') })).toHaveLength(
        3,
      );
      expect(await client.messages.list({ dateSent: new Date('2023-08-20T00:00:00Z') })).toHaveLength(3);
    });

    it('keeps filters in the page URIs, encoded as Twilio does', async () => {
      const response = await raw(
        double,
        'GET',
        `/2010-04-01/Accounts/${account.sid}/Messages.json?To=%2B15550000001&DateSent%3E=2008-01-02&PageSize=2`,
        { auth: account },
      );
      const base = `/2010-04-01/Accounts/${account.sid}/Messages.json`;
      const body = response.json as { first_page_uri: string; uri: string; next_page_uri: string };
      expect(body.first_page_uri).toBe(`${base}?To=%2B15550000001&DateSent%3E=2008-01-02&PageSize=2&Page=0`);
      expect(body.uri).toBe(body.first_page_uri);
      expect(body.next_page_uri).toMatch(
        new RegExp(
          `^${base.replace(/[.]/g, '\\.')}\\?To=%2B15550000001&DateSent%3E=2008-01-02&PageSize=2&Page=1&PageToken=PASM[0-9a-f]{32}$`,
        ),
      );
    });
  });

  describe('media', () => {
    it('creates MM messages with media records, lists, fetches and deletes them', async () => {
      const created = await client.messages.create({
        to: TO,
        from: FROM,
        mediaUrl: [
          'https://example.test/cat.jpg',
          'https://example.test/dog.png',
          'https://example.test/file',
        ],
      });
      expect(created.sid).toMatch(/^MM[0-9a-f]{32}$/);
      expect(created.numMedia).toBe('3');
      expect(created.body).toBe('');

      const media = await client.messages(created.sid).media.list();
      expect(media.map((m) => m.contentType)).toEqual([
        'image/jpeg',
        'image/png',
        'application/octet-stream',
      ]);
      for (const m of media) {
        expect(m.sid).toMatch(/^ME[0-9a-f]{32}$/);
        expect(m.parentSid).toBe(created.sid);
        expect(m.accountSid).toBe(account.sid);
      }

      const fetched = await client.messages(created.sid).media(media[1].sid).fetch();
      expect(fetched.contentType).toBe('image/png');
      expect(fetched.uri).toBe(
        `/2010-04-01/Accounts/${account.sid}/Messages/${created.sid}/Media/${media[1].sid}.json`,
      );

      await expect(client.messages(created.sid).media(media[1].sid).remove()).resolves.toBe(true);
      expect((await client.messages(created.sid).media.list()).map((m) => m.sid)).toEqual([
        media[0].sid,
        media[2].sid,
      ]);
      expect((await restError(client.messages(created.sid).media(media[1].sid).fetch())).code).toBe(20404);
    });

    it('pages media with the media_list key', async () => {
      const created = await client.messages.create({
        to: TO,
        from: FROM,
        body: 'album',
        mediaUrl: ['https://e.test/1.gif', 'https://e.test/2.gif', 'https://e.test/3.gif'],
      });
      const path = `/2010-04-01/Accounts/${account.sid}/Messages/${created.sid}/Media.json`;
      const first = await raw(double, 'GET', `${path}?PageSize=2`, { auth: account });
      const body = first.json as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(
        [
          'end',
          'first_page_uri',
          'media_list',
          'next_page_uri',
          'page',
          'page_size',
          'previous_page_uri',
          'start',
          'uri',
        ].sort(),
      );
      expect(body['media_list']).toHaveLength(2);
      expect(body['next_page_uri']).toMatch(/PageToken=PAME[0-9a-f]{32}$/);
      const page = await client.messages(created.sid).media.page({ pageSize: 2 });
      const next = await page.nextPage();
      expect(next?.instances.map((m) => m.contentType)).toEqual(['image/gif']);
      expect(next?.nextPageUrl).toBeUndefined();
    });

    it('404s the media of an unknown message', async () => {
      expect((await restError(client.messages(`MM${'1'.repeat(32)}`).media.list())).code).toBe(20404);
    });

    it('stores inbound media too', async () => {
      const inbound = double.addInboundMessage({
        accountSid: account.sid,
        from: TO,
        to: FROM,
        body: 'look',
        mediaUrls: ['https://e.test/photo.jpeg'],
      });
      expect(inbound.sid).toMatch(/^MM/);
      expect(inbound.num_media).toBe('1');
      expect(await client.messages(inbound.sid).media.list()).toHaveLength(1);
    });
  });
});
