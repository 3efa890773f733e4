import { InstancePlans } from './instance-plan';
import { element, instance, settings } from './fixtures.spec-helper';

describe('InstancePlans (an instance’s settings compiled once per change)', () => {
  const make = () => {
    const counts = { settings: 0, connections: 0 };
    const plans = new InstancePlans(
      {
        elementOf: () => element,
        settingsOf: () => (counts.settings++, settings({ strict: true })),
        connect: () => (counts.connections++, {}) as never,
        publicUrl: 'http://hub',
      },
      2,
    );
    return { plans, counts };
  };

  it('compiles once per stored version of the instance, and again for a newer record', () => {
    const { plans, counts } = make();
    const first = plans.of(instance());
    expect(plans.of(instance())).toBe(first);
    expect(counts.settings).toBe(1);
    expect(first.secrets).toEqual(['sekret-token']);
    expect(first.strictRefusal).toBe('strict mode: request.parameters.strict is true on this instance');
    const changed = plans.of(instance({ updatedDate: new Date(2000), cachingEnabled: true }));
    expect(changed).not.toBe(first);
    expect(changed.caches).toBe(true);
    expect(counts.settings).toBe(2);
  });

  it('drops a plan when the change feed names its instance, or everything; builds a connection once per plan', () => {
    const { plans, counts } = make();
    const first = plans.of(instance());
    const tenant = { organizationId: 1, userId: 1 } as never;
    first.connection(tenant);
    first.connection(tenant);
    expect(counts.connections).toBe(1);
    plans.drop(3);
    expect(plans.of(instance())).not.toBe(first);
    plans.drop(undefined);
    expect(plans.size).toBe(0);
  });

  it('keeps at most `max` plans', () => {
    const { plans } = make();
    plans.of(instance({ id: 1 }));
    plans.of(instance({ id: 2 }));
    plans.of(instance({ id: 3 }));
    expect(plans.size).toBe(2);
  });
});
