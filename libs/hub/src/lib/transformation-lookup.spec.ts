import type { ElementDefinition, Transformation } from '@hub/element-sdk';
import { ChangeFeed, CommonResourceChanges } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { element as baseElement, instance } from './call-path/fixtures.spec-helper';
import { TransformationLookup } from './transformation-lookup';

const elementDefault: Transformation = { vendorName: 'messages', fields: [{ path: 'to', type: 'string', vendorPath: 'to' }] } as unknown as Transformation;
const element = { ...baseElement, transformations: { common: {}, defaults: { messages: elementDefault } } } as unknown as ElementDefinition;
const tenant = { organizationId: 1, userId: 1 } as unknown as Tenant;

describe('TransformationLookup', () => {
  const make = (transformed: string[] = []) => {
    const resources = {
      transformedObjects: jest.fn(async () => new Set(transformed)),
      findTransformation: jest.fn(async (_t: unknown, scope: { level: string }) =>
        scope.level === 'instance' ? { vendorName: 'messages', fields: [{ path: 'body', type: 'string', vendorPath: 'body' }], configuration: [] } : null,
      ),
      findEffectiveDefinition: jest.fn(async () => null),
    };
    const feed = new ChangeFeed();
    const lookup = new TransformationLookup({ commonResources: resources } as unknown as Store, new CommonResourceChanges(feed), feed);
    return { lookup, resources, feed };
  };

  it("gives every instance without a transformation of its own the same resolved element default, without reading one", async () => {
    const { lookup, resources } = make();
    const a = await lookup.resolve(tenant, instance({ id: 3 }), element, 'messages');
    const b = await lookup.resolve(tenant, instance({ id: 4 }), element, 'messages');
    expect(a).toEqual({ objectName: 'messages', transformation: elementDefault });
    expect(b).toBe(a); // what the call path compiles from it (WeakMap-keyed) is compiled once
    expect(resources.findTransformation).not.toHaveBeenCalled();
    expect(await lookup.resolve(tenant, instance(), element, 'contacts')).toBeUndefined();
    expect(await lookup.resolve(tenant, instance(), element, undefined)).toBeUndefined();
  });

  it("resolves an instance's own transformation over the default, for that instance only", async () => {
    const { lookup, resources } = make(['i3:messages']);
    const own = await lookup.resolve(tenant, instance({ id: 3 }), element, 'messages');
    expect(own?.transformation.fields.map((f) => f.path)).toEqual(['to', 'body']);
    expect(resources.findTransformation).toHaveBeenCalledTimes(2);
    const other = await lookup.resolve(tenant, instance({ id: 4 }), element, 'messages');
    expect(other?.transformation).toBe(elementDefault);
  });

  it('sees a transformation stored meanwhile once the change feed says so', async () => {
    const { lookup, resources, feed } = make();
    expect((await lookup.resolve(tenant, instance({ id: 3 }), element, 'messages'))?.transformation).toBe(elementDefault);
    resources.transformedObjects.mockResolvedValue(new Set(['i3:messages']));
    feed.publish({ kind: 'commonResources' });
    expect((await lookup.resolve(tenant, instance({ id: 3 }), element, 'messages'))?.transformation.fields).toHaveLength(2);
  });
});
