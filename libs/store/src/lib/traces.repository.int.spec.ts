import { prismaFor, seedTwoOrganizations } from './testing/repository-specs';
import { testDatabases } from './testing/test-databases';
import { TracesRepository } from './traces.repository';

jest.setTimeout(60_000);

describe.each(testDatabases().map((d) => [d.name, d] as const))('traces on %s', (_name, database) => {
  const db = prismaFor(database);

  it('keeps an instance’s traces within retention (count and age) and shows them only to its organization', async () => {
    const { tenant, stranger, instances } = await seedTwoOrganizations(db.prisma);
    const instance = await instances.create(tenant, { elementId: 503, name: 'i', configuration: {}, secretKeys: new Set() });
    const traces = new TracesRepository(db.prisma);
    for (let i = 0; i < 12; i++) await traces.record(tenant, instance.id, { method: 'GET', url: `/x/${i}`, status: 200, durationMs: i });
    await db.prisma.instanceTrace.updateMany({ where: { url: '/x/11' }, data: { createdDate: new Date(Date.now() - 8 * 86_400_000) } });

    expect(await traces.prune(tenant, instance.id, { maxEntries: 5, maxAgeMs: 7 * 86_400_000 })).toBe(7);
    const { items, total } = await traces.list(tenant, instance.id, { skip: 0, take: 50 });
    expect(total).toBe(5);
    expect(items.map((t) => t.url)).toEqual(['/x/10', '/x/9', '/x/8', '/x/7', '/x/6']);
    expect((await traces.list(stranger, instance.id, { skip: 0, take: 50 })).total).toBe(0);
    expect(await traces.prune(stranger, instance.id, { maxEntries: 0, maxAgeMs: 0 })).toBe(0);

    // A hub call's warning is an entry of its own, without a status.
    await traces.record(tenant, instance.id, { method: 'POST', url: '/hubs/messaging/addresses/AD1', durationMs: 0, warning: "ignored body parameter 'IsoCountry'" });
    const [warned, vendor] = (await traces.list(tenant, instance.id, { skip: 0, take: 2 })).items;
    expect(warned).toMatchObject({ url: '/hubs/messaging/addresses/AD1', warning: "ignored body parameter 'IsoCountry'" });
    expect(warned).not.toHaveProperty('status');
    expect(vendor).not.toHaveProperty('warning');

    // A batch (the TraceRecorder's): one statement, in order, each entry to its own organization.
    const before = (await traces.list(tenant, instance.id, { skip: 0, take: 1 })).total;
    await traces.recordMany([
      { tenant, instanceId: instance.id, entry: { method: 'GET', url: '/batch/1', status: 200, durationMs: 1 } },
      { tenant, instanceId: instance.id, entry: { method: 'GET', url: '/batch/2', status: 404, durationMs: 2, error: 'not found' } },
    ]);
    await traces.recordMany([]);
    const batch = await traces.list(tenant, instance.id, { skip: 0, take: 2 });
    expect(batch.total).toBe(before + 2);
    expect(batch.items.map((t) => [t.url, t.status])).toEqual([['/batch/2', 404], ['/batch/1', 200]]);
    expect((await traces.list(stranger, instance.id, { skip: 0, take: 50 })).total).toBe(0);
  });
});
