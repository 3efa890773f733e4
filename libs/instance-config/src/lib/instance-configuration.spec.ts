import { BadRequestError, type ElementDefinition, defineElement } from '@hub/element-sdk';
import { MASK, STRICT_PARAMETERS_KEY, descriptorsOf, maskConfiguration, resolveConfiguration, validateConfiguration } from './instance-configuration';

const element: ElementDefinition = defineElement<null>({
  metadata: {
    id: 1,
    key: 'demo',
    name: 'Demo',
    hub: 'messaging',
    description: 'demo',
    image: 'x.png',
    typeOauth: false,
    trialAccount: false,
    authenticationType: 'basic',
    events: { supported: true, methods: ['polling'] },
  },
  configuration: [
    { key: 'username', name: 'User', type: 'string', required: true, description: 'u' },
    { key: 'password', name: 'Password', type: 'string', required: true, secret: true, description: 'p' },
    {
      key: 'region',
      name: 'Region',
      type: 'string',
      required: false,
      default: 'us',
      allowedValues: ['us', 'eu'],
      description: 'r',
    },
  ],
  commonConfiguration: {
    'event.notification.enabled': 'false',
    'event.vendor.type': 'polling',
    'event.notification.callback.url': null,
    'event.poller.refresh_interval': '15',
    'event.poller.configuration': '{"messages":{}}',
    'pagination.max': '100',
  },
  connect: () => null,
  verifyCredentials: async () => ({ accountId: 'x' }),
  resources: [{ name: 'messages', description: 'm', idField: 'sid', handlers: { list: async () => ({ records: [] }) } }],
  toHubError: (e) => (e instanceof Error ? e : new Error(String(e))),
});

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as Error).message;
  }
  throw new Error('expected a BadRequestError');
}

describe('descriptorsOf', () => {
  it('lists the element descriptors, then the common ones it supports with its defaults, plus filter.response.nulls', () => {
    const keys = descriptorsOf(element).map((d) => d.key);
    expect(keys.slice(0, 3)).toEqual(['username', 'password', 'region']);
    expect(keys).toContain('filter.response.nulls');
    expect(keys).not.toContain('pagination.type');
    expect(descriptorsOf(element).find((d) => d.key === 'event.poller.configuration')?.default).toBe('{"messages":{}}');
  });
});

describe('validateConfiguration', () => {
  it('names every missing required entry at once', () => {
    expect(problemOf(() => validateConfiguration(element, {}, { mode: 'full' }))).toContain(
      'Missing required configuration entries: username, password',
    );
  });

  it('accepts good input and normalizes booleans, integers and aliases to strings', () => {
    const values = validateConfiguration(
      element,
      { username: 'u', password: 'p', 'event.notification.enabled': false, 'pagination.max': 50, 'filter.response.nulls': 'TRUE' },
      { mode: 'full' },
    );
    expect(values).toEqual({
      username: 'u',
      password: 'p',
      'event.notification.enabled': 'false',
      'pagination.max': '50',
      'filter.response.nulls': 'true',
    });
  });

  it.each([
    [{ 'event.notification.enabled': 'yes' }, "configuration 'event.notification.enabled' must be a boolean"],
    [{ 'pagination.max': '0' }, "configuration 'pagination.max' must be an integer of at least 1"],
    [{ 'pagination.max': 'ten' }, "configuration 'pagination.max' must be an integer"],
    [{ region: 'mars' }, "configuration 'region' must be one of us, eu"],
    [{ username: { nested: true } }, "configuration 'username' must be a string"],
    [{ 'event.notification.callback.url': 'ftp://x' }, "configuration 'event.notification.callback.url' must be an absolute http(s) URL"],
    [{ 'event.poller.configuration': '{nope' }, "configuration 'event.poller.configuration' must be valid JSON"],
    [{ 'event.vendor.type': 'webhook' }, "'webhook' is not supported by element 'demo'"],
    [{ 'unknown.key': 'x' }, "configuration 'unknown.key' is not a configuration entry of element 'demo'"],
    [{ 'event.notification.enabled': 'true' }, "configuration 'event.notification.callback.url' is required when event.notification.enabled is true"],
  ])('refuses %j', (input, message) => {
    expect(problemOf(() => validateConfiguration(element, { username: 'u', password: 'p', ...input }, { mode: 'full' }))).toContain(
      message,
    );
  });

  it('accepts "webhooks" for event.vendor.type as the old guide wrote it, when the element supports webhooks', () => {
    const both = { ...element, metadata: { ...element.metadata, events: { supported: true, methods: ['polling', 'webhook'] as const } } };
    expect(validateConfiguration(both, { 'event.vendor.type': 'webhooks' }, { mode: 'partial' })).toEqual({
      'event.vendor.type': 'webhook',
    });
  });

  it('accepts the poller configuration as a JSON object and stores it as a string', () => {
    const values = validateConfiguration(element, { 'event.poller.configuration': { messages: { url: '/hubs/messaging/messages', idField: 'sid' } } }, { mode: 'partial' });
    expect(values['event.poller.configuration']).toBe('{"messages":{"url":"/hubs/messaging/messages","idField":"sid"}}');
  });

  it('keeps the stored secret when a client sends it back masked', () => {
    const values = validateConfiguration(element, { password: MASK }, { mode: 'partial', current: { password: 'real' } });
    expect(values).toEqual({ password: 'real' });
  });

  it('refuses to clear a required entry on a partial change', () => {
    expect(problemOf(() => validateConfiguration(element, { username: null }, { mode: 'partial' }))).toContain(
      "configuration 'username' is required and cannot be cleared",
    );
  });

  it('refuses a configuration that is not an object', () => {
    expect(problemOf(() => validateConfiguration(element, ['a'], { mode: 'full' }))).toContain('configuration must be an object');
  });
});

describe('resolveConfiguration and maskConfiguration', () => {
  it('merges defaults under stored values and masks secrets', () => {
    const descriptors = descriptorsOf(element);
    const resolved = resolveConfiguration(descriptors, { username: 'u', password: 'p' });
    expect(resolved['region']).toBe('us');
    expect(resolved['filter.response.nulls']).toBe('true');
    expect(resolved['event.notification.callback.url']).toBeNull();
    const masked = maskConfiguration(descriptors, resolved);
    expect(masked['password']).toBe(MASK);
    expect(masked['username']).toBe('u');
    expect(Object.values(masked).every((v) => v === null || typeof v === 'string')).toBe(true);
  });
});

describe('request.parameters.strict', () => {
  it('is offered by every element, off by default, and takes only a boolean', () => {
    expect(descriptorsOf(element).find((d) => d.key === STRICT_PARAMETERS_KEY)).toMatchObject({ type: 'boolean', default: 'false' });
    expect(resolveConfiguration(descriptorsOf(element), { username: 'u', password: 'p' })[STRICT_PARAMETERS_KEY]).toBe('false');
    expect(validateConfiguration(element, { [STRICT_PARAMETERS_KEY]: true }, { mode: 'partial' })).toEqual({ [STRICT_PARAMETERS_KEY]: 'true' });
    expect(problemOf(() => validateConfiguration(element, { [STRICT_PARAMETERS_KEY]: 'sometimes' }, { mode: 'partial' }))).toContain(STRICT_PARAMETERS_KEY);
  });
});
