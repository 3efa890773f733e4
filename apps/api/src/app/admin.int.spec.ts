/**
 * The admin API on each store: operator sign-in (cookie, CSRF token), roles (support reads,
 * cannot change), organizations and users, secrets rotation, instance search and detail,
 * enabling/disabling, poller and delivery health with redelivery, the element catalog, rate
 * limits, and the audit entry every change writes.
 */
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { CallbackReceiver, eventually, pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { ApiHarness, type Organization, type Reply, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const ADMIN = { email: 'root@hub.example', password: 'correct horse battery staple' };
const SUPPORT = { email: 'support@hub.example', password: 'support staff password' };

describe.each(storesUnderTest())('admin API on the %s store', (_name, storeUnderTest) => {
  const harness = new ApiHarness(storeUnderTest, { HUB_ADMIN_EMAIL: ADMIN.email, HUB_ADMIN_PASSWORD: ADMIN.password, HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true', HUB_EVENT_WORKERS: 'true' });
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let tenant: Organization;
  let store: Store;
  let admin: { cookie: string; csrf: string };
  let support: { cookie: string; csrf: string };

  const signIn = async (who: { email: string; password: string }) => {
    const res = await harness.call('POST', '/elements/api-v2/admin/session', { body: who });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    return { cookie, csrf: String((res.body as Json)['csrfToken']) };
  };
  const as = (who: { cookie: string; csrf: string }) => (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    harness.call(method, `/elements/api-v2/admin${path}`, { body, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...headers } });
  const platform = (method: string, path: string, body?: unknown, auth = tenant.platform) => harness.call(method, `/elements/api-v2${path}`, { body, auth });
  const auditActions = async () => ((await as(admin)('GET', '/audit?pageSize=500')).body as Json[]).map((e) => e['action']);
  const organizationId = async (org: Organization) => {
    const t = await store.tenants.authenticate(org.secrets.user, org.secrets.organization);
    if (!t) throw new Error('the organization does not authenticate');
    return t.organizationId;
  };
  const expectError = (res: Reply, status: number, message: string | RegExp) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { requestId: expect.any(String), message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) },
    });
  };

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    [tenant] = await harness.start(['Tenant Org']);
    store = harness.app.get<Store>(STORE);
    await store.operators.create({ ...SUPPORT, role: 'support' });
    admin = await signIn(ADMIN);
    support = await signIn(SUPPORT);
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });

  describe('sessions', () => {
    it('signs in with a strict HttpOnly cookie and a CSRF token; a wrong password and an unknown operator answer the same 401', async () => {
      const res = await harness.call('POST', '/elements/api-v2/admin/session', { body: { email: 'ROOT@hub.example', password: ADMIN.password } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ operator: { email: ADMIN.email, role: 'admin' }, csrfToken: expect.stringMatching(/^[\w-]{43}$/), expiresAt: expect.any(String) });
      expect(String(res.headers['set-cookie'])).toMatch(/^hub_admin_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
      expect(res.headers['cache-control']).toBe('no-store');
      const wrong = await harness.call('POST', '/elements/api-v2/admin/session', { body: { email: ADMIN.email, password: 'not the password' } });
      const unknown = await harness.call('POST', '/elements/api-v2/admin/session', { body: { email: 'nobody@hub.example', password: 'not the password' } });
      expectError(wrong, 401, 'The email address or password is not valid');
      expect((unknown.body as Json)['message']).toBe((wrong.body as Json)['message']);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      expectError(await harness.call('POST', '/elements/api-v2/admin/session', { body: { email: ADMIN.email } }), 400, 'password');
      expectError(await harness.call('GET', '/elements/api-v2/admin/organizations'), 401, 'Sign in first');
      expectError(await harness.call('GET', '/elements/api-v2/admin/organizations', { headers: { cookie: 'hub_admin_session=forged' } }), 401, 'session has ended');
      const again = await as(admin)('GET', '/session');
      expect(again.body).toEqual({ operator: { email: ADMIN.email, role: 'admin' }, csrfToken: admin.csrf, expiresAt: expect.any(String) });
      expect(again.headers['cache-control']).toBe('no-store');
      expect((await as(support)('GET', '/session')).body).toMatchObject({ csrfToken: support.csrf });
    });

    it('answers the session’s CSRF token again on GET /admin/session, so a reloaded page can make changes with it', async () => {
      // A page reloaded after sign-in has only the cookie: GET /admin/session gives it the token back.
      const reloaded = (await harness.call('GET', '/elements/api-v2/admin/session', { headers: { cookie: admin.cookie } })).body as Json;
      const csrf = String(reloaded['csrfToken']);
      expect(csrf).toBe(admin.csrf);
      expect((await harness.call('PUT', '/elements/api-v2/admin/elements/twilio/active', { headers: { cookie: admin.cookie, 'x-csrf-token': csrf } })).status).toBe(200);
      // Another session's token does not open this one, and a session's token is not its CSRF token.
      const other = await signIn(ADMIN);
      expect(other.csrf).not.toBe(admin.csrf);
      const withOther = await harness.call('PUT', '/elements/api-v2/admin/elements/twilio/active', { headers: { cookie: admin.cookie, 'x-csrf-token': other.csrf } });
      expectError(withOther, 403, 'CSRF token');
      const cookieValue = admin.cookie.split('=')[1];
      expectError(await harness.call('PUT', '/elements/api-v2/admin/elements/twilio/active', { headers: { cookie: admin.cookie, 'x-csrf-token': cookieValue } }), 403, 'CSRF token');
      expect((await harness.call('GET', '/elements/api-v2/admin/session', { headers: { cookie: 'hub_admin_session=forged' } })).status).toBe(401);
    });

    it('refuses a change without the session’s CSRF token, and every change by a support operator, changing nothing', async () => {
      const before = (await as(admin)('GET', '/organizations')).headers['elements-total-count'];
      expectError(await as(admin)('POST', '/organizations', { name: 'X', user: { emailAddress: 'x@x.test' } }, { 'x-csrf-token': '' }), 403, 'CSRF token');
      expectError(await as(admin)('POST', '/organizations', { name: 'X', user: { emailAddress: 'x@x.test' } }, { 'x-csrf-token': support.csrf }), 403, 'CSRF token');
      const reads = ['/organizations', '/instances', '/events/pollers', '/events/deliveries', '/events/deliveries/hourly', '/elements', '/audit', '/session'];
      for (const path of reads) expect({ path, status: (await as(support)('GET', path)).status }).toEqual({ path, status: 200 });
      const id = await organizationId(tenant);
      const changes: [string, string, unknown?][] = [
        ['POST', '/organizations', { name: 'X', user: { emailAddress: 'x@x.test' } }],
        ['PATCH', `/organizations/${id}`, { name: 'Renamed by support' }],
        ['DELETE', `/organizations/${id}`],
        ['POST', `/organizations/${id}/users`, { emailAddress: 'y@x.test' }],
        ['POST', `/organizations/${id}/secret/rotate`],
        ['PUT', `/organizations/${id}/rate-limit`, { requestsPerSecond: 1, burst: 1 }],
        ['PATCH', `/organizations/${id}`, { suspended: true }],
        ['POST', `/organizations/${id}/users/1/secret/rotate`],
        ['DELETE', `/organizations/${id}/rate-limit`],
        ['DELETE', '/elements/twilio/active'],
        ['PUT', '/elements/twilio/active'],
        ['DELETE', '/instances/1/enabled'],
        ['PUT', '/instances/1/enabled'],
        ['POST', '/instances/1/events/redeliver'],
        ['POST', '/events/00000000-0000-0000-0000-000000000000/redeliver'],
      ];
      const auditBefore = (await auditActions()).length;
      for (const [method, path, body] of changes) expectError(await as(support)(method, path, body), 403, 'has the support role: it can read, not change');
      expect((await as(admin)('GET', '/organizations')).headers['elements-total-count']).toBe(before);
      expect((await as(admin)('GET', `/organizations/${id}`)).body).toMatchObject({ name: 'Tenant Org' });
      expect((await auditActions()).length).toBe(auditBefore);
    });
  });

  describe('organizations and users', () => {
    let created: { organization: { id: number; secret: string }; user: { id: number; secret: string } };

    it('creates an organization whose secrets (shown once) work, lists it with counts, renames it, adds a user', async () => {
      const res = await as(admin)('POST', '/organizations', { name: 'Acme', user: { emailAddress: 'owner@acme.test', password: 'a long enough password' } });
      expect(res.status).toBe(200);
      created = res.body as typeof created;
      expect(created).toMatchObject({ organization: { id: expect.any(Number), name: 'Acme', secret: expect.any(String) }, user: { emailAddress: 'owner@acme.test' } });
      const auth = `User ${created.user.secret}, Organization ${created.organization.secret}`;
      expect((await platform('GET', '/instances', undefined, auth)).status).toBe(200);
      expect((await harness.call('POST', '/elements/api-v2/authentication', { body: { username: 'owner@acme.test', password: 'a long enough password' } })).status).toBe(200);

      const list = await as(admin)('GET', '/organizations?name=acm');
      expect(list.headers['elements-total-count']).toBe('1');
      expect(list.body).toEqual([expect.objectContaining({ id: created.organization.id, name: 'Acme', users: 1, instances: 0, rateLimit: null })]);
      expect(JSON.stringify(list.body)).not.toContain(created.organization.secret);

      expect((await as(admin)('PATCH', `/organizations/${created.organization.id}`, { name: 'Acme Inc' })).body).toMatchObject({ name: 'Acme Inc' });
      const user = await as(admin)('POST', `/organizations/${created.organization.id}/users`, { emailAddress: 'second@acme.test' });
      expect(user.body).toMatchObject({ id: expect.any(Number), emailAddress: 'second@acme.test', secret: expect.any(String) });
      const detail = (await as(admin)('GET', `/organizations/${created.organization.id}`)).body as { users: Json[] };
      expect(detail.users.map((u) => [u['emailAddress'], u['canLogIn']])).toEqual([
        ['owner@acme.test', true],
        ['second@acme.test', false],
      ]);
      expect(JSON.stringify(detail)).not.toMatch(/secret"|passwordHash/);
    });

    it('rotates the organization’s and a user’s secret: the new ones work at once, the old ones during the grace period', async () => {
      const id = created.organization.id;
      const org = (await as(admin)('POST', `/organizations/${id}/secret/rotate`)).body as Json;
      expect(org).toEqual({ organizationSecret: expect.any(String), previousSecretExpiresAt: expect.any(String) });
      const user = (await as(admin)('POST', `/organizations/${id}/users/${created.user.id}/secret/rotate`)).body as Json;
      expect(user).toEqual({ userSecret: expect.any(String), previousSecretExpiresAt: expect.any(String) });
      expect((await platform('GET', '/instances', undefined, `User ${String(user['userSecret'])}, Organization ${String(org['organizationSecret'])}`)).status).toBe(200);
      expect((await platform('GET', '/instances', undefined, `User ${created.user.secret}, Organization ${created.organization.secret}`)).status).toBe(200);
      expectError(await as(admin)('POST', `/organizations/${id}/users/999999/secret/rotate`), 404, 'No user 999999');
    });

    it('refuses bad input with a 400 naming the field', async () => {
      expectError(await as(admin)('POST', '/organizations', { user: { emailAddress: 'a@b.test' } }), 400, 'name');
      expectError(await as(admin)('POST', '/organizations', { name: 'N', user: { emailAddress: 'not an email' } }), 400, "'user.emailAddress' must be an email address");
      expectError(await as(admin)('POST', '/organizations', { name: 'N', user: { emailAddress: 'short@pw.test', password: 'short' } }), 400, /user\.password: .*at least 12/);
      expectError(await as(admin)('PATCH', `/organizations/${created.organization.id}`, {}), 400, 'Send name and/or suspended');
      expectError(await as(admin)('PUT', `/organizations/${created.organization.id}/rate-limit`, { requestsPerSecond: 0, burst: 1.5 }), 400, 'requestsPerSecond');
      expectError(await as(admin)('GET', '/organizations/abc'), 400, "id must be a positive integer, not 'abc'");
      expectError(await as(admin)('GET', '/organizations/424242'), 404, 'No organization with id 424242');
      expectError(await as(admin)('GET', '/instances?status=sleeping'), 400, 'status must be one of valid, invalid');
    });

    it('suspends an organization (its calls answer 403) and resumes it', async () => {
      const auth = `User ${created.user.secret}, Organization ${created.organization.secret}`;
      const suspended = await as(admin)('PATCH', `/organizations/${created.organization.id}`, { suspended: true });
      expect(suspended.body).toMatchObject({ suspended: true, suspendedDate: expect.any(String) });
      expectError(await platform('GET', '/instances', undefined, auth), 403, `Organization ${created.organization.id} is suspended`);
      expect(((await as(support)('GET', '/organizations?name=Acme')).body as Json[])[0]).toMatchObject({ suspended: true });
      expect((await as(admin)('PATCH', `/organizations/${created.organization.id}`, { suspended: false })).body).toMatchObject({ suspended: false, suspendedDate: null });
      expect((await platform('GET', '/instances', undefined, auth)).status).toBe(200);
    });

    it('deletes an organization: its secrets stop working', async () => {
      expect((await as(admin)('DELETE', `/organizations/${created.organization.id}`)).status).toBe(200);
      expect((await platform('GET', '/instances', undefined, `User ${created.user.secret}, Organization ${created.organization.secret}`)).status).toBe(401);
      expectError(await as(admin)('DELETE', `/organizations/${created.organization.id}`), 404, 'No organization');
    });
  });

  describe('instances, events, elements and limits', () => {
    let instance: { id: number; token: string };
    let account: { sid: string; authToken: string };
    const hubCall = () => harness.call('GET', '/elements/api-v2/hubs/messaging/messages?pageSize=1', { auth: `${tenant.user}, Element ${instance.token}` });

    beforeAll(async () => {
      account = double.addAccount();
      const res = await platform('POST', '/instances', {
        element: { key: 'twiliov2' },
        name: 'Support Case 42',
        tags: ['vip'],
        configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url)),
      });
      expect(res.status).toBe(200);
      instance = res.body as typeof instance;
      double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: 'hello' });
    });

    it('finds instances by organization, element, name, tag and status, and shows one with its secrets masked', async () => {
      const orgId = await organizationId(tenant);
      for (const query of [`organizationId=${orgId}`, 'element=twiliov2', 'name=case%2042', 'tag=vip', 'status=eventsEnabled', 'status=enabled']) {
        const found = (await as(support)('GET', `/instances?${query}`)).body as Json[];
        expect({ query, ids: found.map((i) => i['id']) }).toEqual({ query, ids: [instance.id] });
      }
      expect((await as(support)('GET', '/instances?status=disabled')).body).toEqual([]);
      expect((await as(support)('GET', '/instances?element=twilio')).body).toEqual([]);
      const [row] = (await as(support)('GET', `/instances?tag=vip`)).body as Json[];
      expect(row).toMatchObject({ name: 'Support Case 42', organizationName: 'Tenant Org', element: { key: 'twiliov2' }, valid: true, disabled: false });
      const detail = (await as(support)('GET', `/instances/${instance.id}`)).body as { instance: Json; organization: Json; poller: Json };
      expect(detail.instance).toMatchObject({ id: instance.id, token: '********', configuration: { password: '********' } });
      expect(JSON.stringify(detail)).not.toContain(instance.token);
      expect(detail.organization).toEqual({ id: orgId, name: 'Tenant Org' });
      expect(detail.poller).toMatchObject({ enabled: true });
      expectError(await as(support)('GET', '/instances/999999'), 404, 'No instance with id 999999');
    });

    it('disables an instance (its hub calls answer 403) and enables it again', async () => {
      expect((await hubCall()).status).toBe(200);
      expect((await as(admin)('DELETE', `/instances/${instance.id}/enabled`)).body).toMatchObject({ disabled: true, token: '********' });
      expectError(await hubCall(), 403, 'is disabled');
      expect((await as(support)('GET', '/instances?status=disabled')).body).toEqual([expect.objectContaining({ id: instance.id })]);
      expect((await as(admin)('PUT', `/instances/${instance.id}/enabled`)).body).toMatchObject({ disabled: false });
      expect((await hubCall()).status).toBe(200);
    });

    it('shows a failed delivery, redelivers it, and counts the attempts per hour', async () => {
      receiver.respondWith = () => 410;
      await platform('POST', `/instances/${instance.id}/events/poller/run`);
      const failed = await eventually('a failed delivery', async () => {
        const found = (await as(support)('GET', '/events/deliveries?status=failed')).body as Json[];
        return found.length > 0 ? found : undefined;
      });
      expect(failed).toEqual([expect.objectContaining({ instanceId: instance.id, instanceName: 'Support Case 42', status: 'failed', lastStatusCode: 410, nextAttemptAt: null })]);
      const pollers = (await as(support)('GET', '/events/pollers')).body as Json[];
      expect(pollers).toEqual([expect.objectContaining({ instanceId: instance.id, organizationName: 'Tenant Org', consecutiveFailures: 0, lastError: null })]);
      expect((await as(support)('GET', '/events/pollers?failing=true')).body).toEqual([]);

      receiver.respondWith = () => 200;
      const eventId = String(failed[0]['eventId']);
      expect((await as(admin)('POST', `/events/${eventId}/redeliver`)).status).toBe(200);
      await receiver.waitForDelivered(1);
      // The worker logs the attempt just after the receiver answered.
      const hours = await eventually('the delivered attempt in the hourly counts', async () => {
        const counts = (await as(support)('GET', '/events/deliveries/hourly?hours=2')).body as Json[];
        return counts[1]?.['delivered'] === 1 ? counts : undefined;
      });
      expect(hours).toHaveLength(2);
      expect(hours[1]).toMatchObject({ delivered: 1, failed: 1, retry: 0 });
      expectError(await as(admin)('POST', '/events/not-an-event/redeliver'), 404, 'No event notification not-an-event');
    });

    it('redelivers every failed notification of an instance at once', async () => {
      receiver.respondWith = () => 410;
      double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550002', body: 'again' });
      const before = receiver.received.length;
      await platform('POST', `/instances/${instance.id}/events/poller/run`);
      const failed = await eventually('the instance’s failed delivery', async () => {
        const found = ((await as(support)('GET', '/events/deliveries?status=failed')).body as Json[]).filter((d) => d['instanceId'] === instance.id);
        return found.length > 0 ? found : undefined;
      });
      expect(receiver.received.length).toBeGreaterThan(before);
      receiver.respondWith = () => 200;
      const delivered = receiver.delivered().length;
      expect((await as(admin)('POST', `/instances/${instance.id}/events/redeliver`)).body).toEqual({ instanceId: instance.id, requeued: failed.length });
      await receiver.waitForDelivered(delivered + failed.length);
      expect(((await as(support)('GET', '/events/deliveries?status=failed')).body as Json[]).filter((d) => d['instanceId'] === instance.id)).toEqual([]);
    });

    it('deactivates an element (new instances are refused) and activates it again', async () => {
      expect((await as(admin)('DELETE', '/elements/twilio/active')).body).toMatchObject({ key: 'twilio', active: false });
      expect(((await as(support)('GET', '/elements')).body as Json[]).find((e) => e['key'] === 'twilio')).toMatchObject({ active: false });
      const refused = await platform('POST', '/instances', { element: { key: 'twilio' }, name: 'x', configuration: {} });
      expect(refused.status).toBe(409);
      expect((await as(admin)('PUT', '/elements/twilio/active')).body).toMatchObject({ key: 'twilio', active: true });
      expectError(await as(admin)('PUT', '/elements/nope/active'), 404, "No element with key or id 'nope'");
    });

    it('sets an organization’s rate limit (429 over it) and removes it', async () => {
      const orgId = await organizationId(tenant);
      expect((await as(admin)('PUT', `/organizations/${orgId}/rate-limit`, { requestsPerSecond: 0.01, burst: 2 })).body).toEqual({ rateLimit: { requestsPerSecond: 0.01, burst: 2 } });
      const replies = await Promise.all(Array.from({ length: 6 }, () => hubCall()));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429, 429]);
      expect(((await as(support)('GET', `/organizations?name=Tenant`)).body as Json[])[0]).toMatchObject({ rateLimit: { requestsPerSecond: 0.01, burst: 2 } });
      expect((await as(admin)('DELETE', `/organizations/${orgId}/rate-limit`)).body).toEqual({ rateLimit: null });
      expect((await hubCall()).status).toBe(200);
    });

    it('wrote one audit entry per change, with the operator and the target, and none for what was refused', async () => {
      const entries = (await as(support)('GET', '/audit?pageSize=500')).body as Json[];
      expect(entries.map((e) => e['action']).reverse()).toEqual([
        'session.open',
        'session.open',
        'session.open',
        'element.activate',
        'session.open',
        'organization.create',
        'organization.update',
        'user.create',
        'organization.secret.rotate',
        'user.secret.rotate',
        'organization.suspend',
        'organization.resume',
        'organization.delete',
        'instance.disable',
        'instance.enable',
        'event.redeliver',
        'instance.events.redeliverFailed',
        'element.deactivate',
        'element.activate',
        'organization.rateLimit.set',
        'organization.rateLimit.remove',
      ]);
      expect(entries.find((e) => e['action'] === 'instance.disable')).toMatchObject({
        operatorEmail: ADMIN.email,
        targetType: 'instance',
        targetId: String(instance.id),
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(JSON.stringify(entries)).not.toMatch(/a long enough password|secret":/);
      expect((await as(support)('GET', '/audit?action=organization.')).headers['elements-total-count']).toBe('8');
    });

    it('signs out (support operators too): the cookie is cleared and the session no longer works', async () => {
      const res = await as(support)('DELETE', '/session');
      expect(res.status).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/^hub_admin_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
      expectError(await as(support)('GET', '/session'), 401, 'session has ended');
      expect((await auditActions())[0]).toBe('session.close');
    });
  });
});

describe.each(storesUnderTest())('admin view of callback circuits on the %s store', (_name, storeUnderTest) => {
  const harness = new ApiHarness(storeUnderTest, {
    HUB_ADMIN_EMAIL: ADMIN.email,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    HUB_EVENT_WORKERS: 'true',
    HUB_EVENT_RETRY_SCHEDULE: '20ms,20ms,20ms,20ms,20ms,20ms,20ms,20ms,20ms,20ms',
    HUB_EVENT_CIRCUIT_COOLDOWN_MS: '1500',
    HUB_EVENT_IDLE_MS: '50',
  });
  let double: TwilioDouble;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });

  it('shows a receiver that keeps failing as an open circuit (without its query), and closed again once it answers', async () => {
    const [org] = await harness.start(['Circuit Org']);
    const session = await harness.call('POST', '/elements/api-v2/admin/session', { body: ADMIN });
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    const circuits = async (all = false) => (await harness.call('GET', `/elements/api-v2/admin/events/circuits${all ? '?all=true' : ''}`, { headers: { cookie } })).body as Json[];
    receiver.respondWith = () => 503;
    const account = double.addAccount();
    const created = await harness.call('POST', '/elements/api-v2/instances', {
      auth: org.platform,
      body: {
        element: { key: 'twiliov2' },
        name: 'failing receiver',
        configuration: twiliov2Configuration(double, account, pollingEvents(`${receiver.url}?token=do-not-show`)),
      },
    });
    expect(created.status).toBe(200);
    expect(await circuits(true)).toEqual([]); // a URL that never failed has no row
    double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: 'hello' });
    await harness.call('POST', `/elements/api-v2/instances/${(created.body as Json)['id']}/events/poller/run`, { auth: org.platform });

    await eventually('the circuit to open', async () => ((await circuits()).some((c) => c['state'] === 'open') ? true : undefined));
    const [open] = await circuits();
    expect(open).toMatchObject({ url: `${receiver.url}?…`, state: 'open', consecutiveFailures: 5, retryAt: expect.any(String), owner: expect.any(String) });
    expect(JSON.stringify(await circuits(true))).not.toContain('do-not-show');

    receiver.respondWith = () => 200;
    await eventually('the circuit to close', async () => ((await circuits(true)).some((c) => c['state'] === 'closed') ? true : undefined));
    expect(await circuits()).toEqual([]);
    expect(receiver.delivered()).toHaveLength(1);
  });
});
