import type { ElementDefinition } from '@hub/element-sdk';
import { resourceLabel } from './hub-call-metrics';

const element = {
  resources: [
    { name: 'messages', subresources: [{ name: 'media' }] },
    { name: 'ping', subresources: [] },
  ],
} as unknown as ElementDefinition;

describe('resourceLabel', () => {
  it('names a resource or sub-resource the element declares, and folds every other path into other', () => {
    expect(resourceLabel(element, { resource: 'messages', id: 'SM1' })).toBe('messages');
    expect(resourceLabel(element, { resource: 'messages', id: 'SM1', subresource: 'media', subId: 'ME1' })).toBe('messages/media');
    expect(resourceLabel(element, { resource: 'ping' })).toBe('ping');
    expect(resourceLabel(element, { resource: 'SM0123456789' })).toBe('other');
    expect(resourceLabel(element, { resource: 'messages', id: 'SM1', subresource: 'x9' })).toBe('other');
    expect(resourceLabel(element, {})).toBe('other');
  });
});
