import { defineElement } from '../element';
import { ApiError, VendorRejectedError, VendorTimeoutError, VendorUnavailableError } from '../errors';
import type { ListPage, PageRequest, VendorRecord } from '../resources';
import { describeConformance } from './conformance';
import { duplicates, parameterProblems, walkCursor, walkPageIndex, withDefaults } from './helpers';
import { Observations, secretValues } from './observer';
import { type ConformanceEnvironment, cannotProduce } from './subject';

/**
 * The kit's own checks: its helpers on their own, then the whole kit on an in-memory element
 * (a vendor in this process, faults included), so element-sdk proves its kit without any other library.
 */

// ---- an in-memory vendor and an element over it ------------------------------------------------

type Fault = { kind: 'status'; status: number; message: string } | { kind: 'slow'; delayMs: number } | { kind: 'reset' };

class VendorFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

class ResetError extends Error {}

class MemoVendor {
  readonly keys = new Map<string, string>();
  readonly notes = new Map<string, { account: string; id: string; text: string; seq: number }>();
  fault: Fault | undefined;
  private seq = 0;

  addAccount(): { account: string; key: string } {
    const account = `acct-${++this.seq}`;
    const key = `memo-key-${account}-0123456789`;
    this.keys.set(key, account);
    return { account, key };
  }

  addNote(account: string, text: string): string {
    const id = `note-${++this.seq}`;
    this.notes.set(id, { account, id, text, seq: this.seq });
    return id;
  }

  /** One vendor request: the fault first, then the key, then the work. */
  async request<T>(key: string, timeoutMs: number, work: (account: string) => T): Promise<T> {
    const fault = this.fault;
    if (fault?.kind === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, Math.min(fault.delayMs, timeoutMs)));
      if (fault.delayMs > timeoutMs) throw new VendorTimeoutError(`memo did not answer within ${timeoutMs} ms`);
    }
    if (fault?.kind === 'reset') throw new ResetError('ECONNRESET');
    if (fault?.kind === 'status') throw new VendorFailure(fault.status, fault.message);
    const account = this.keys.get(key);
    if (!account) throw new VendorFailure(401, 'invalid api key');
    return work(account);
  }
}

interface MemoConnection {
  readonly vendor: MemoVendor;
  readonly key: string;
  readonly timeoutMs: number;
}

const vendors = new Map<string, MemoVendor>();

const noteOf = (n: { id: string; text: string }): VendorRecord => ({ id: n.id, text: n.text });

const memoElement = defineElement<MemoConnection>({
  metadata: {
    id: 999_999,
    key: 'memo',
    name: 'Memo',
    hub: 'notes', // not a messaging element: the kit's common-messages checks apply to messaging elements only
    description: 'An in-memory vendor for the kit’s own tests',
    image: '',
    typeOauth: false,
    trialAccount: false,
    authenticationType: 'apiKey',
    events: { supported: false, methods: [] },
  },
  configuration: [
    { key: 'vendor', name: 'Vendor', type: 'string', required: true, description: 'Which in-memory vendor' },
    { key: 'api.key', name: 'API key', type: 'string', required: true, secret: true, description: 'The key' },
  ],
  commonConfiguration: { 'pagination.type': 'page' },
  connect: (configuration, options) => {
    const vendor = vendors.get(configuration['vendor'] ?? '');
    if (!vendor) throw new Error('no such vendor');
    return { vendor, key: configuration['api.key'] ?? '', timeoutMs: options.timeoutMs };
  },
  verifyCredentials: async (c) => {
    try {
      return await c.vendor.request(c.key, c.timeoutMs, (account) => ({ accountId: account }));
    } catch (error) {
      if (error instanceof VendorFailure && error.status < 500) {
        throw new ApiError(400, 'memo rejected the credentials', { providerMessage: error.message });
      }
      throw error;
    }
  },
  toHubError: (error) => {
    if (error instanceof VendorFailure) {
      return error.status >= 500
        ? new VendorUnavailableError(`memo failed with ${error.status}`, error.message)
        : new VendorRejectedError(error.status, `memo refused (${error.status})`, error.message);
    }
    if (error instanceof ResetError) return new VendorUnavailableError('memo reset the connection');
    return error instanceof Error ? error : new Error(String(error));
  },
  resources: [
    {
      name: 'notes',
      description: 'Notes',
      idField: 'id',
      parameters: {
        create: [{ name: 'text', type: 'string', required: true, description: 'The text' }],
        update: [{ name: 'text', type: 'string', description: 'The text' }],
      },
      handlers: {
        list: (c, r) =>
          c.vendor.request(c.key, c.timeoutMs, (account): ListPage => {
            const all = [...c.vendor.notes.values()].filter((n) => n.account === account).sort((a, b) => a.seq - b.seq);
            const offset = r.page.cursor !== undefined ? Number(r.page.cursor) : (r.page.pageIndex ?? 0) * r.page.pageSize;
            const next = offset + r.page.pageSize;
            return { records: all.slice(offset, next).map(noteOf), ...(next < all.length ? { cursor: String(next) } : {}) };
          }),
        get: (c, r) =>
          c.vendor.request(c.key, c.timeoutMs, (account) => {
            const note = c.vendor.notes.get(r.id ?? '');
            if (!note || note.account !== account) throw new VendorFailure(404, `note ${r.id} not found`);
            return noteOf(note);
          }),
        create: (c, r) =>
          c.vendor.request(c.key, c.timeoutMs, (account) => {
            const id = c.vendor.addNote(account, String(r.body['text']));
            return noteOf({ id, text: String(r.body['text']) });
          }),
        update: (c, r) =>
          c.vendor.request(c.key, c.timeoutMs, (account) => {
            const note = c.vendor.notes.get(r.id ?? '');
            if (!note || note.account !== account) throw new VendorFailure(404, `note ${r.id} not found`);
            if (typeof r.body['text'] === 'string') note.text = r.body['text'];
            return noteOf(note);
          }),
        delete: (c, r) =>
          c.vendor.request(c.key, c.timeoutMs, (account) => {
            const note = c.vendor.notes.get(r.id ?? '');
            if (!note || note.account !== account) throw new VendorFailure(404, `note ${r.id} not found`);
            c.vendor.notes.delete(note.id);
          }),
      },
    },
    {
      name: 'status',
      description: 'A singleton',
      idField: 'name',
      kind: 'singleton',
      handlers: { get: (c) => c.vendor.request(c.key, c.timeoutMs, () => ({ name: 'memo', ok: true })) },
    },
  ],
});

interface MemoEnvironment extends ConformanceEnvironment {
  readonly vendor: MemoVendor;
}

// ---- the whole kit, on the in-memory element ----------------------------------------------------

describeConformance<MemoEnvironment>({
  element: memoElement,
  async setup() {
    const vendor = new MemoVendor();
    const name = `memo-${vendors.size + 1}`;
    vendors.set(name, vendor);
    const { key } = vendor.addAccount();
    return {
      vendor,
      configuration: { vendor: name, 'api.key': key },
      rejectedConfiguration: { vendor: name, 'api.key': 'not-a-key-of-this-vendor' },
      teardown: () => void vendors.delete(name),
    };
  },
  faults: {
    clientError: (env, { status, message }) => void (env.vendor.fault = { kind: 'status', status, message }),
    serverError: (env, status) => void (env.vendor.fault = { kind: 'status', status, message: 'boom' }),
    slow: (env, delayMs) => void (env.vendor.fault = { kind: 'slow', delayMs }),
    reset: cannotProduce('the kit’s own test shows how a subject opts out of a fault'),
    clear: (env) => void (env.vendor.fault = undefined),
  },
  resources: [
    {
      resource: 'notes',
      operations: ['list', 'get', 'create', 'update', 'delete'],
      create: { body: { text: 'first' }, expect: { text: 'first' } },
      update: { body: { text: 'second' }, expect: { text: 'second' } },
      missingId: 'note-0',
    },
    { resource: 'status', operations: ['get'] },
  ],
  pagination: {
    resource: 'notes',
    seed(env, count) {
      const vendor = env.vendor;
      const { account, key } = vendor.addAccount();
      const ids = Array.from({ length: count }, (_, i) => vendor.addNote(account, `seeded ${i}`));
      const name = [...vendors.entries()].find(([, v]) => v === vendor)?.[0] ?? '';
      return { ids, configuration: { vendor: name, 'api.key': key } };
    },
  },
});

// ---- the helpers ----------------------------------------------------------------------------------

describe('conformance helpers', () => {
  const pages = (ids: string[], pageSize: number) => async (page: PageRequest): Promise<ListPage> => {
    const offset = page.cursor !== undefined ? Number(page.cursor) : (page.pageIndex ?? 0) * pageSize;
    const next = offset + pageSize;
    return { records: ids.slice(offset, next).map((id) => ({ id })), ...(next < ids.length ? { cursor: String(next) } : {}) };
  };

  it('walks cursors and page numbers to the end', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    expect(await walkCursor(pages(ids, 2), 'id', 2, 10)).toEqual({ ids, pageSizes: [2, 2, 1], problems: [] });
    expect(await walkPageIndex(pages(ids, 2), 'id', 2, 10)).toEqual({ ids, pageSizes: [2, 2, 1], problems: [] });
    expect((await walkPageIndex(pages(['a', 'b'], 2), 'id', 2, 10)).pageSizes).toEqual([2, 0]);
  });

  it('names what is wrong with a listing: a cursor loop, oversized pages, records without an id', async () => {
    const loop = async (): Promise<ListPage> => ({ records: [{ id: 'a' }, { id: 'b' }, {}], cursor: 'same' });
    const walk = await walkCursor(loop, 'id', 2, 10);
    expect(walk.problems).toEqual([
      'page 0 has 3 records, more than the 2 asked',
      "record 2 of page 0 has no 'id'",
      'page 1 has 3 records, more than the 2 asked',
      "record 2 of page 1 has no 'id'",
      'page 1 repeats an earlier cursor (same)',
    ]);
    expect(duplicates(walk.ids)).toEqual(['a', 'b']);
    const endless = async (page: PageRequest): Promise<ListPage> => ({ records: [{ id: String(page.cursor ?? 0) }], cursor: `${Number(page.cursor ?? 0) + 1}` });
    expect((await walkCursor(endless, 'id', 1, 3)).problems).toEqual(['still a cursor after 3 pages']);
  });

  it('finds undeclared and missing required parameters', () => {
    const declared = [
      { name: 'To', type: 'string' as const, required: true, description: '' },
      { name: 'Body', type: 'string' as const, description: '' },
    ];
    expect(parameterProblems(declared, { To: '+1', Body: 'x' })).toEqual([]);
    expect(parameterProblems(declared, { Body: 'x', Extra: 'y' })).toEqual([
      "'Extra' is not a declared parameter",
      "required parameter 'To' is missing",
    ]);
    expect(parameterProblems(undefined, { text: 'x' })).toEqual(["'text' is not a declared parameter"]);
  });

  it('merges defaults as instance-config does: common, then descriptor defaults, then the given values', () => {
    expect(withDefaults(memoElement, { 'api.key': 'k' })).toEqual({ 'pagination.type': 'page', 'api.key': 'k' });
  });

  it('finds secret values in results and errors, as is or URL-encoded', () => {
    const observations = new Observations();
    observations.result({ operation: 'get', record: { echo: 'my secret/value' } });
    observations.error(new ApiError(502, 'failed', { providerMessage: 'key=my%20secret%2Fvalue' }));
    observations.error(new Error('plain'));
    expect(observations.count).toBe(4);
    expect(observations.occurrencesOf('my secret/value')).toHaveLength(2);
    expect(observations.occurrencesOf('other')).toEqual([]);
    const secrets = secretValues(memoElement.configuration, [{ 'api.key': 'a' }, { 'api.key': 'a', vendor: 'v' }, { 'api.key': '' }]);
    expect(secrets).toEqual([{ key: 'api.key', value: 'a' }]);
  });
});
