import { commonMessagesProblems, declaresVendorPath, MESSAGES_OBJECT, REQUIRED_MESSAGE_FIELDS, type Transformation, vendorFieldNames } from './common-resources';
import { defineElement, type ElementSpec } from './element';
import type { ResourceSpec } from './resources';

const messages: ResourceSpec<unknown> = {
  name: 'messages',
  description: 'Messages',
  idField: 'id',
  fields: [
    { path: 'id', type: 'string' },
    { path: 'to', type: 'string' },
    { path: 'from', type: 'string' },
    { path: 'body', type: 'string' },
    { path: 'status', type: 'string' },
    { path: 'created_at', type: 'date' },
  ],
  parameters: { create: [{ name: 'To', type: 'string', required: true, description: 'The recipient' }, { name: 'MediaUrl', type: 'string[]', description: 'Media' }] },
  handlers: { list: async () => ({ records: [] }) },
};

/** The generator's stub as it is generated: everything the example vendor has, but not direction. */
const STUB: Transformation = {
  vendorName: 'messages',
  fields: [
    { path: 'id', vendorPath: 'id' },
    { path: 'from', vendorPath: 'from' },
    { path: 'to', vendorPath: 'to' },
    { path: 'body', vendorPath: 'body' },
    { path: 'status', vendorPath: 'status' },
    { path: 'createdDate', vendorPath: 'created_at' },
  ],
};

const spec = (transformations: ElementSpec<unknown>['transformations']): ElementSpec<unknown> => ({
  metadata: {
    id: 9001,
    key: 'memo',
    name: 'Memo',
    hub: 'messaging',
    description: 'A test element',
    image: '',
    typeOauth: false,
    trialAccount: false,
    authenticationType: 'apiKey',
    events: { supported: false, methods: [] },
  },
  configuration: [],
  commonConfiguration: {},
  connect: () => ({}),
  verifyCredentials: async () => ({ accountId: 'a' }),
  toHubError: (e) => e as Error,
  resources: [messages],
  transformations,
});

describe('common objects an element declares', () => {
  it('ships a messages object whose required fields it defines', () => {
    const paths = MESSAGES_OBJECT.fields.map((f) => f.path);
    for (const required of REQUIRED_MESSAGE_FIELDS) expect(paths).toContain(required);
  });

  it('takes vendor paths from the record fields and the write parameters', () => {
    const names = vendorFieldNames(defineElement(spec(undefined)).resources[0]);
    expect(names && declaresVendorPath(names, 'created_at')).toBe(true);
    expect(names && declaresVendorPath(names, 'media_url[*]')).toBe(true); // MediaUrl, a write parameter
    expect(names && declaresVendorPath(names, 'colour')).toBe(false);
  });

  it('refuses, when the element is defined, a mapping onto what its resources do not have', () => {
    expect(() => defineElement(spec({ common: { messages: { ...STUB, vendorName: 'notes' } } }))).toThrow("vendorName 'notes' is not a resource");
    expect(() => defineElement(spec({ common: { messages: { ...STUB, fields: [{ path: 'to', vendorPath: 'colour' }] } } }))).toThrow(
      "vendorPath 'colour' is not a field of messages",
    );
    expect(() => defineElement(spec({ common: { messages: { ...STUB, fields: [{ path: 'colour', vendorPath: 'to' }] } } }))).toThrow(
      "path 'colour' is not a field of the common 'messages'",
    );
    expect(() => defineElement(spec({ common: { widgets: STUB } }))).toThrow("'widgets' is not a shipped common object");
    expect(() => defineElement(spec({ common: { constructor: STUB } as never }))).toThrow("'constructor' is not a shipped common object");
  });

  it("finds nothing under a name an object's prototype has", () => {
    const element = defineElement(spec({ common: { messages: STUB } }));
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(element.transformations.common[name]).toBeUndefined();
      expect(element.transformations.defaults[name]).toBeUndefined();
    }
  });

  it("finds the generator's stub incomplete until direction is mapped, and a complete mapping complete", () => {
    expect(commonMessagesProblems(defineElement(spec(undefined)))).toEqual([expect.stringContaining('transformations.common.messages is missing')]);
    expect(commonMessagesProblems(defineElement(spec({ common: { messages: STUB } })))).toEqual(["'direction' is not mapped (required)"]);
    const complete = { ...STUB, fields: [...STUB.fields, { path: 'direction', vendorPath: 'from', values: { x: 'inbound' } }] };
    expect(commonMessagesProblems(defineElement(spec({ common: { messages: complete } })))).toEqual([]);
    const wrongId = { ...complete, fields: complete.fields.map((f) => (f.path === 'id' ? { ...f, vendorPath: 'to' } : f)) };
    expect(commonMessagesProblems(defineElement(spec({ common: { messages: wrongId } })))).toEqual([
      "'id' maps from 'to', not the resource's idField 'id'",
    ]);
  });
});
