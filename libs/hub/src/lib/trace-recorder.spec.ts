import type { Store, Tenant, TraceEntry } from '@hub/store';
import { TRACE_BODY_LIMIT, TraceRecorder, redactBody } from './trace-recorder';

describe('redactBody', () => {
  it('redacts secret-looking JSON fields at any depth and configured secret values anywhere', () => {
    const body = JSON.stringify({ sid: 'AC1', auth_token: 'tok', nested: [{ Password: 'p' }], note: 'contains s3cret-value' });
    expect(JSON.parse(redactBody(body, ['s3cret-value']) ?? '')).toEqual({
      sid: 'AC1',
      auth_token: '[redacted]',
      nested: [{ Password: '[redacted]' }],
      note: 'contains [redacted]',
    });
  });

  it('redacts form fields and URL-encoded secret values', () => {
    expect(redactBody('To=%2B1&AuthToken=abc&Body=hi%20there%2Fsecret%2F', ['hi there/secret/'])).toBe('To=%2B1&AuthToken=%5Bredacted%5D&Body=%5Bredacted%5D');
  });

  it('redacts a password field whatever its prefix (SipAuthPassword, sip_auth_password)', () => {
    expect(redactBody('To=%2B1&SipAuthUsername=u&SipAuthPassword=pw1234', [])).toBe('To=%2B1&SipAuthUsername=u&SipAuthPassword=%5Bredacted%5D');
    expect(JSON.parse(redactBody(JSON.stringify({ sip_auth_password: 'pw', username: 'u' }), []) ?? '')).toEqual({ sip_auth_password: '[redacted]', username: 'u' });
  });

  it('truncates long bodies and leaves short secrets alone (too short to redact meaningfully)', () => {
    const long = 'x'.repeat(TRACE_BODY_LIMIT + 10);
    expect(redactBody(long, [])).toBe(`${'x'.repeat(TRACE_BODY_LIMIT)}…[10 more characters]`);
    expect(redactBody('abc', ['ab'])).toBe('abc');
    expect(redactBody(undefined, [])).toBeUndefined();
  });
});

describe('TraceRecorder (batched off the request path)', () => {
  function fakeStore(fail = false) {
    const batches: TraceEntry[][] = [];
    const pruned: number[] = [];
    const store = {
      traces: {
        recordMany: async (entries: { entry: TraceEntry }[]) => {
          if (fail) throw new Error('database down');
          batches.push(entries.map((e) => e.entry));
        },
        prune: async (_t: Tenant, instanceId: number) => (pruned.push(instanceId), 0),
      },
    } as unknown as Store;
    return { store, batches, pruned };
  }
  const tenant = { organizationId: 1, userId: 1 } as unknown as Tenant;

  it('writes nothing during the call, then what was recorded in one turn in one statement, in order, secrets redacted', async () => {
    const { store, batches } = fakeStore();
    const recorder = new TraceRecorder(store);
    const hook = recorder.hookFor(tenant, 3, ['sekret-token']);
    hook({ method: 'GET', url: 'http://v/x?t=sekret-token', status: 200, durationMs: 1 });
    recorder.recordWarning(tenant, 3, 'GET', '/hubs/messaging/messages', "ignored query parameter '_'", []);
    expect(batches).toEqual([]);
    await recorder.flushed();
    expect(batches).toHaveLength(1);
    expect(batches[0].map((e) => e.url)).toEqual(['http://v/x?t=[redacted]', '/hubs/messaging/messages']);
  });

  it('prunes an instance every pruneEvery entries, and survives a failing store', async () => {
    const { store, pruned } = fakeStore();
    const recorder = new TraceRecorder(store, 3);
    const hook = recorder.hookFor(tenant, 4, []);
    for (let i = 0; i < 7; i++) hook({ method: 'GET', url: `/x/${i}`, durationMs: 0 });
    await recorder.flushed();
    expect(pruned).toEqual([4, 4]);
    const failing = new TraceRecorder(fakeStore(true).store);
    failing.hookFor(tenant, 4, [])({ method: 'GET', url: '/x', durationMs: 0 });
    await expect(failing.flushed()).resolves.toBeUndefined();
  });
});
