import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';
import { TenantsRepository } from './tenants.repository';
import { prismaFor } from './testing/repository-specs';
import { testDatabases } from './testing/test-databases';

jest.setTimeout(60_000);

describe.each(testDatabases().map((d) => [d.name, d] as const))('organization settings on %s', (_name, database) => {
  const db = prismaFor(database);

  it('keeps an organization’s own settings, off by default and apart from other organizations', async () => {
    const tenants = new TenantsRepository(db.prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    const { tenant } = await tenants.createOrganization({ name: 'C', user: { emailAddress: 'c@x.test' } });
    const { tenant: other } = await tenants.createOrganization({ name: 'D', user: { emailAddress: 'd@x.test' } });
    expect(await tenants.organizationSettings(tenant)).toEqual({ strictParameters: false });
    expect(await tenants.setOrganizationSettings(tenant, { strictParameters: true })).toEqual({ strictParameters: true });
    expect(await tenants.setOrganizationSettings(tenant, {})).toEqual({ strictParameters: true });
    expect(await tenants.organizationSettings(tenant)).toEqual({ strictParameters: true });
    expect(await tenants.organizationSettings(other)).toEqual({ strictParameters: false });
  });
});
