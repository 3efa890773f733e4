import { route } from './resolve';
import { element } from './fixtures.spec-helper';

const call = (method: string, ...segments: string[]) => ({ method, segments, query: {}, body: undefined });

describe('route (stage 1: the resource and operation of a call)', () => {
  it('maps paths and methods to operations, POST on a record being an update', () => {
    expect(route(element, call('get', 'messages'))).toMatchObject({ operation: 'list', resourcePath: ['messages'], method: 'GET' });
    expect(route(element, call('POST', 'messages'))).toMatchObject({ operation: 'create' });
    expect(route(element, call('GET', 'messages', 'SM1'))).toMatchObject({ operation: 'get', id: 'SM1' });
    expect(route(element, call('POST', 'messages', 'SM1'))).toMatchObject({ operation: 'update', id: 'SM1' });
    expect(route(element, call('GET', 'messages', 'SM1', 'media', 'ME1'))).toMatchObject({ operation: 'get', resourcePath: ['messages', 'media'], id: 'SM1', subId: 'ME1' });
    expect(route(element, call('GET', 'ping'))).toMatchObject({ operation: 'get', resourcePath: ['ping'] });
  });

  it('answers 404 naming the resources there are, and 405 naming the methods allowed', () => {
    expect(() => route(element, call('GET', 'calls'))).toThrow("No resource 'calls' on element 'double' (resources: messages, ping)");
    expect(() => route(element, call('GET', 'messages', 'SM1', 'notes'))).toThrow("sub-resources of messages: media");
    expect(() => route(element, call('GET', 'ping', 'x'))).toThrow("'ping' has no records: call /ping");
    expect(() => route(element, call('DELETE', 'messages'))).toThrow('DELETE is not supported on /messages (allowed: GET, POST)');
    expect(() => route(element, call('DELETE', 'messages', 'SM1', 'media', 'ME1'))).toThrow('DELETE is not supported on /messages/{id}/media/{id} (allowed: GET)');
  });
});
