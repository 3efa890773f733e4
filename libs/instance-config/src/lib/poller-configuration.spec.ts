import { defineElement } from '@hub/element-sdk';
import { validateConfiguration } from './instance-configuration';

const element = defineElement<null>({
  metadata: {
    id: 1,
    key: 'demo',
    name: 'Demo',
    hub: 'messaging',
    description: 'd',
    image: 'x.png',
    typeOauth: false,
    trialAccount: false,
    authenticationType: 'basic',
    events: { supported: true, methods: ['polling'] },
  },
  configuration: [],
  commonConfiguration: { 'event.poller.configuration': null },
  connect: () => null,
  verifyCredentials: async () => ({ accountId: 'x' }),
  toHubError: (e) => (e instanceof Error ? e : new Error(String(e))),
  resources: [
    { name: 'messages', description: 'm', idField: 'sid', handlers: { list: async () => ({ records: [] }) } },
    { name: 'ping', description: 'p', idField: 'endpoint', kind: 'singleton', handlers: { get: async () => ({}) } },
  ],
});

const check = (poller: unknown) => () => validateConfiguration(element, { 'event.poller.configuration': poller }, { mode: 'partial' });

describe('event.poller.configuration', () => {
  it('accepts the old platform’s full entry, as an object or a string', () => {
    const entry = {
      messages: {
        url: "/hubs/messaging/messages?where=DateSent='${date:yyyy-MM-dd'T'HH:mm:ssXXX}'",
        idField: 'sid',
        filterByUpdatedDate: true,
        datesConfiguration: {
          updatedDateField: 'date_updated',
          updatedDateFormat: 'EEE, dd MMM yyyy HH:mm:ss Z',
          updatedDateTimezone: 'GMT',
          createdDateField: 'date_created',
          createdDateFormat: 'EEE, dd MMM yyyy HH:mm:ss Z',
          createdDateTimezone: 'GMT',
        },
        createdCheckTolerance: 60,
        pageSize: 20,
        pollDelay: 60,
      },
    };
    expect(check(entry)()).toEqual({ 'event.poller.configuration': JSON.stringify(entry) });
    expect(check(JSON.stringify(entry))).not.toThrow();
  });

  it.each([
    [{ widgets: { url: '/hubs/messaging/widgets', idField: 'id' } }, "'widgets' is not a resource of element 'demo' (resources: messages, ping)"],
    [{ ping: { url: '/hubs/messaging/ping', idField: 'endpoint' } }, "'ping' cannot be listed"],
    [{ messages: { idField: 'sid' } }, "'messages'.url must be a hub URL of that resource"],
    [{ messages: { url: '/hubs/messaging/messages' } }, "'messages'.idField must name the records' id field (e.g. sid)"],
    [{ messages: { url: '/hubs/messaging/messages?d=${date:yyyy-ww}', idField: 'sid' } }, "'messages'.url: ${date:yyyy-ww}: the pattern uses 'w'"],
    [{ messages: { url: '/hubs/messaging/messages', idField: 'sid', pollDelay: -1 } }, "'messages'.pollDelay must be a whole number"],
    [{ messages: { url: '/hubs/messaging/messages', idField: 'sid', colour: 1 } }, "'messages'.colour is not a poller setting"],
    [{ messages: { url: '/hubs/messaging/messages', idField: 'sid', datesConfiguration: { updatedDateFormat: 'nope' } } }, "'messages'.datesConfiguration.updatedDateFormat: the pattern uses 'n'"],
    [{}, 'names no resource to poll'],
    ['[1]', 'must be a JSON object'],
  ])('refuses %j naming the key and the rule', (poller, problem) => {
    expect(check(poller)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining(problem) }));
    expect(check(poller)).toThrow(expect.objectContaining({ message: expect.stringContaining("configuration 'event.poller.configuration'") }));
  });
});
