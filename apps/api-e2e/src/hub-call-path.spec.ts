/**
 * The compiled call path against the built hub process (issue 15): an instance's settings are compiled
 * once per change, and a configuration change is visible on the very next hub call (no stale plan);
 * Server-Timing per stage when asked for.
 */
import { type HubWithDouble, startHubWithDouble } from './support/hub-with-double';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

let s: HubWithDouble;
let v2: { id: number; token: string };

const call = (url: string) => s.http('GET', `/hubs/messaging${url}`, `${s.user}, Element ${v2.token}`);
const configure = async (configuration: Json) => {
  const res = await s.http('PATCH', `/instances/${v2.id}`, s.platform, { configuration });
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  // No overload guard: this suite is about the call path, and shares the machine with other suites (the guard has its own).
  s = await startHubWithDouble({ folder: 'hub-e2e-call-path-', env: { HUB_MAX_EVENT_LOOP_DELAY_MS: '0' } });
  s.double.seedMessages(s.account.sid, 30, { to: '+15005550600', from: '+15005550006' });
  v2 = await s.twiliov2('call path e2e');
});
afterAll(() => s?.stop());

it('applies a changed pagination.max and filter.response.nulls on the next hub call', async () => {
  const hasNull = (records: Json[]) => records.some((r) => Object.values(r).some((v) => v === null));
  // warm: the instance's plan is compiled and its credentials cached
  const before = await call('/messages?pageSize=20');
  expect(before.status).toBe(200);
  expect((before.body as Json[]).length).toBe(20);
  expect(before.headers.get('elements-error')).toBeNull();
  expect(hasNull(before.body as Json[])).toBe(false);

  await configure({ 'pagination.max': '10', 'filter.response.nulls': 'false' });
  const after = await call('/messages?pageSize=20');
  expect(after.status).toBe(200);
  expect((after.body as Json[]).length).toBe(10);
  expect(after.headers.get('elements-error')).toBe("pageSize 20 is more than this element's maximum of 10: 10 used");
  expect(hasNull(after.body as Json[])).toBe(true);

  await configure({ 'pagination.max': '100', 'filter.response.nulls': 'true' });
  const back = await call('/messages?pageSize=20');
  expect((back.body as Json[]).length).toBe(20);
  expect(hasNull(back.body as Json[])).toBe(false);
});

it('answers Server-Timing per stage with Elements-Server-Timing: true', async () => {
  const res = await fetch(`${s.baseUrl}/elements/api-v2/hubs/messaging/messages?pageSize=5`, {
    headers: { authorization: `${s.platform.split(',')[0]}, Element ${v2.token}`, 'elements-server-timing': 'true' },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('server-timing')).toMatch(/^before;dur=[\d.]+, resolve;dur=[\d.]+, parameters;dur=[\d.]+, plan;dur=[\d.]+, vendor;dur=[\d.]+, shape;dur=[\d.]+$/);
});
