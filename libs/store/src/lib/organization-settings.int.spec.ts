import { randomBytes } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client';
import { SecretBox } from './secret-box';
import { TenantsRepository } from './tenants.repository';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

describe.each(testDatabases().map((d) => [d.name, d] as const))('organization settings on %s', (_name, database) => {
  let handle: TestDatabaseHandle;
  let prisma: PrismaClient;

  beforeAll(async () => {
    handle = await database.create();
    prisma = new PrismaClient({ adapter: handle.adapterFactory });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await handle.dispose();
  });

  it('keeps an organization’s own settings, off by default and apart from other organizations', async () => {
    const tenants = new TenantsRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    const { tenant } = await tenants.createOrganization({ name: 'C', user: { emailAddress: 'c@x.test' } });
    const { tenant: other } = await tenants.createOrganization({ name: 'D', user: { emailAddress: 'd@x.test' } });
    expect(await tenants.organizationSettings(tenant)).toEqual({ strictParameters: false });
    expect(await tenants.setOrganizationSettings(tenant, { strictParameters: true })).toEqual({ strictParameters: true });
    expect(await tenants.setOrganizationSettings(tenant, {})).toEqual({ strictParameters: true });
    expect(await tenants.organizationSettings(tenant)).toEqual({ strictParameters: true });
    expect(await tenants.organizationSettings(other)).toEqual({ strictParameters: false });
  });
});
