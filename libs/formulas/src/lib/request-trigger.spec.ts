import type { CompletedHubCall } from '@hub/runtime';
import type { Tenant } from '@hub/store';
import { requestTriggerMatches, requestTriggerOf } from './request-trigger';

describe('elementRequest trigger', () => {
  it('matches on method and api (absent: any); {x} stands for one path segment', () => {
    const call = { method: 'POST', path: 'messages' };
    expect(requestTriggerMatches({}, call)).toBe(true);
    expect(requestTriggerMatches({ method: 'post' }, call)).toBe(true);
    expect(requestTriggerMatches({ method: 'GET' }, call)).toBe(false);
    expect(requestTriggerMatches({ api: '/hubs/messaging/messages' }, call)).toBe(true);
    expect(requestTriggerMatches({ api: '/hubs/messaging/contacts' }, call)).toBe(false);
    expect(requestTriggerMatches({ api: '/hubs/messaging/messages/{id}' }, { method: 'GET', path: 'messages/SM1' })).toBe(true);
    expect(requestTriggerMatches({ api: '/hubs/messaging/messages/{id}' }, { method: 'GET', path: 'messages' })).toBe(false);
    expect(requestTriggerMatches({ api: '/hubs/messaging/messages' }, { method: 'GET', path: 'messages/SM1' })).toBe(false);
  });

  it('records the call as the reference names it: trigger.type request, the request and the response', () => {
    const call: CompletedHubCall = {
      tenant: {} as Tenant,
      instanceId: 7,
      method: 'POST',
      path: 'messages',
      query: { a: '1' },
      requestBody: { To: '+1' },
      status: 200,
      responseBody: { sid: 'SM1', n: 8000270 },
    };
    const trigger = requestTriggerOf(call, 'messaging');
    expect(trigger.data).toMatchObject({ type: 'request', request: { method: 'POST', path: '/hubs/messaging/messages', query: { a: '1' }, body: { To: '+1' } }, response: { code: 200, body: { sid: 'SM1' } } });
    expect(Object.fromEntries(trigger.values.map((v) => [v.key, v.value]))).toEqual({
      'trigger.type': 'request',
      'trigger.request.method': 'POST',
      'trigger.request.path': '/hubs/messaging/messages',
      'trigger.request.query': '{"a":"1"}',
      'trigger.request.headers': '{}',
      'trigger.request.body': '{"To":"+1"}',
      'trigger.response.code': '200',
      'trigger.response.headers': '{}',
      'trigger.response.body': '{"sid":"SM1","n":8000270}',
    });
  });
});
