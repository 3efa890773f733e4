import type { ResolvedTransformation } from '@hub/runtime';
import { mapRequest, mappedObjectOf, recordMapper, toWriteParameters } from './mapping';
import { element } from './fixtures.spec-helper';

const transformation = (passThrough: boolean): ResolvedTransformation => ({
  objectName: 'texts',
  transformation: {
    vendorName: 'messages',
    fields: [
      { path: 'id', vendorPath: 'sid' },
      { path: 'recipient', vendorPath: 'to' },
      { path: 'state', vendorPath: 'status' },
    ],
    configuration: passThrough ? [{ type: 'passThrough', properties: { toVendor: true } }] : [],
  },
});

describe('the map stage (a common object on its vendor resource)', () => {
  it('is compiled once per resolved transformation, and refuses unmapped fields without passThrough.toVendor', () => {
    const mapping = transformation(false);
    const object = mappedObjectOf(element, mapping);
    expect(mappedObjectOf(element, mapping)).toBe(object);
    expect(object.resource.name).toBe('messages');
    expect(object.refuseUnknown).toMatch(/'texts' is a common object whose transformation passes nothing unmapped/);
    expect(mappedObjectOf(element, transformation(true)).refuseUnknown).toBeUndefined();
    expect(() => mappedObjectOf(element, { ...mapping, transformation: { ...mapping.transformation, vendorName: 'notes' } })).toThrow(
      "'texts' maps onto 'notes', which element 'double' does not have",
    );
  });

  it('rewrites where and the path to vendor terms, keeps fields for after the mapping, and maps a body to write parameters', () => {
    const object = mappedObjectOf(element, transformation(true));
    const list = mapRequest(object, { method: 'GET', segments: ['texts'], query: { where: "recipient = '+1'", fields: 'id' }, body: undefined });
    expect(list.call.segments).toEqual(['messages']);
    expect(list.call.query).toEqual({ where: "To = '+1'" });
    expect(list.fields).toEqual(['id']);
    expect(list.mapsRecords).toBe(true);
    const create = mapRequest(object, { method: 'POST', segments: ['texts'], query: {}, body: { recipient: '+1' } });
    expect(create.call.body).toEqual({ To: '+1' });
    expect(mapRequest(object, { method: 'GET', segments: ['texts', 'SM1', 'media'], query: {}, body: undefined }).mapsRecords).toBe(false);
    expect(toWriteParameters({ messaging_service_sid: 'MG1', Other: 1 }, [{ name: 'MessagingServiceSid' }])).toEqual({ MessagingServiceSid: 'MG1', Other: 1 });
  });

  it('maps a vendor record to the common shape, then projects fields of it', () => {
    const object = mappedObjectOf(element, transformation(true));
    expect(recordMapper(object, undefined)({ sid: 'SM1', to: '+1', status: 'sent' })).toMatchObject({ id: 'SM1', recipient: '+1', state: 'sent' });
    expect(recordMapper(object, ['id'])({ sid: 'SM1', to: '+1' })).toEqual({ id: 'SM1' });
  });
});
