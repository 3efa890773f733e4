import { randomBytes } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client';
import { SecretBox } from './secret-box';
import { RateLimitsRepository } from './rate-limits.repository';
import { TenantsRepository } from './tenants.repository';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

describe.each(testDatabases().map((d) => [d.name, d] as const))('rate limits on %s', (_name, database) => {
  let handle: TestDatabaseHandle;
  let prisma: PrismaClient;
  let limits: RateLimitsRepository;
  let organizationId: number;
  let other: number;

  beforeAll(async () => {
    handle = await database.create();
    prisma = new PrismaClient({ adapter: handle.adapterFactory });
    limits = new RateLimitsRepository(prisma);
    const tenants = new TenantsRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    organizationId = (await tenants.createOrganization({ name: 'Limited', user: { emailAddress: 'a@x.test' } })).tenant.organizationId;
    other = (await tenants.createOrganization({ name: 'Free', user: { emailAddress: 'b@x.test' } })).tenant.organizationId;
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await handle.dispose();
  });

  it('has no limit until one is set, and none once it is removed', async () => {
    expect(await limits.take(organizationId)).toBeNull();
    await limits.set(organizationId, { requestsPerSecond: 2, burst: 3 });
    expect(await prisma.organizationRateLimit.findUnique({ where: { organizationId }, select: { requestsPerSecond: true, burst: true } })).toEqual({ requestsPerSecond: 2, burst: 3 });
    expect(await limits.limited()).toEqual(new Set([organizationId]));
    expect(await limits.take(other)).toBeNull();
    await limits.set(organizationId, null);
    expect(await limits.take(organizationId)).toBeNull();
  });

  it('lets a full bucket through, then refuses with the wait for the next token, and refills over time', async () => {
    await limits.set(organizationId, { requestsPerSecond: 0.5, burst: 3 });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limits.take(organizationId));
    expect(decisions.map((d) => d?.granted)).toEqual([1, 1, 1, 0, 0]);
    expect(decisions.map((d) => d?.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(decisions[3]?.retryAfterSeconds).toBeGreaterThan(1.5); // a token every 2 s; just emptied
    expect(decisions[3]?.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(decisions[2]?.resetSeconds).toBeCloseTo(6, 0);
    // Two seconds later (moved back in the table instead of waiting): one token.
    await prisma.organizationRateLimit.update({ where: { organizationId }, data: { refilledAt: new Date(Date.now() - 2_100) } });
    expect((await limits.take(organizationId))?.granted).toBe(1);
    expect((await limits.take(organizationId))?.granted).toBe(0);
  });

  it('never lets more than the burst through when calls race for the same bucket', async () => {
    await limits.set(organizationId, { requestsPerSecond: 0.001, burst: 7 });
    const decisions = await Promise.all(Array.from({ length: 30 }, () => limits.take(organizationId)));
    expect(decisions.filter((d) => d?.granted === 1)).toHaveLength(7);
    expect(decisions.filter((d) => d?.granted === 0)).toHaveLength(23);
  });

  it('grants a batch only as far as the bucket goes, racing replicas included', async () => {
    await limits.set(organizationId, { requestsPerSecond: 0.001, burst: 25 });
    const decisions = await Promise.all(Array.from({ length: 6 }, () => limits.take(organizationId, 10)));
    expect(decisions.map((d) => d?.granted).sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual([10, 10, 5, 0, 0, 0]);
    expect(Math.min(...decisions.map((d) => d?.remaining ?? -1))).toBe(0);
  });
});
