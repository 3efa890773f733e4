// What the store's repository specs share: a migrated database and a PrismaClient per describe block
// (Jest's hooks, so only specs import this file) and the two organizations most of them start from.
import { randomBytes } from 'node:crypto';
import { PrismaClient } from '../../generated/prisma/client';
import { InstancesRepository } from '../instances.repository';
import { SecretBox } from '../secret-box';
import type { Tenant } from '../tenant';
import { TenantsRepository } from '../tenants.repository';
import type { TestDatabase, TestDatabaseHandle } from './test-databases';

/**
 * A migrated database of `database`'s kind and a PrismaClient on it for the enclosing describe block:
 * created in its beforeAll, disconnected and dropped in its afterAll. Read `prisma` inside tests/hooks.
 */
export function prismaFor(database: TestDatabase): { readonly prisma: PrismaClient; readonly handle: TestDatabaseHandle } {
  const current = {} as { prisma: PrismaClient; handle: TestDatabaseHandle };
  beforeAll(async () => {
    current.handle = await database.create();
    current.prisma = new PrismaClient({ adapter: current.handle.adapterFactory });
  });
  afterAll(async () => {
    await current.prisma?.$disconnect();
    await current.handle?.dispose();
  });
  return current;
}

/** Two organizations (A's tenant and a stranger, B) and the twiliov2 element row, as most repository specs start. */
export async function seedTwoOrganizations(prisma: PrismaClient): Promise<{ tenant: Tenant; stranger: Tenant; instances: InstancesRepository }> {
  const box = new SecretBox([{ id: 'k', key: randomBytes(32) }]);
  const tenants = new TenantsRepository(prisma, box);
  const { tenant } = await tenants.createOrganization({ name: 'A', user: { emailAddress: 'a@x.test' } });
  const { tenant: stranger } = await tenants.createOrganization({ name: 'B', user: { emailAddress: 'b@x.test' } });
  await prisma.element.create({ data: { id: 503, key: 'twiliov2' } });
  return { tenant, stranger, instances: new InstancesRepository(prisma, box) };
}
