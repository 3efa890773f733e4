import { randomBytes } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client';
import { InstancesRepository } from './instances.repository';
import { LoginsRepository } from './logins.repository';
import { SecretBox } from './secret-box';
import { OrganizationSuspendedError } from './suspension';
import { type CreatedOrganization, TenantsRepository } from './tenants.repository';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

const PASSWORD = 'a good long password';

describe.each(testDatabases().map((d) => [d.name, d] as const))('suspended organizations on %s', (_name, database) => {
  let handle: TestDatabaseHandle;
  let prisma: PrismaClient;
  let tenants: TenantsRepository;
  let logins: LoginsRepository;
  let instances: InstancesRepository;
  let suspended: CreatedOrganization;
  let bystander: CreatedOrganization;

  beforeAll(async () => {
    handle = await database.create();
    prisma = new PrismaClient({ adapter: handle.adapterFactory });
    const box = new SecretBox([{ id: 'k', key: randomBytes(32) }]);
    tenants = new TenantsRepository(prisma, box);
    logins = new LoginsRepository(prisma);
    instances = new InstancesRepository(prisma, box);
    await prisma.element.create({ data: { id: 503, key: 'twiliov2' } });
    suspended = await tenants.createOrganization({ name: 'S', user: { emailAddress: 's@x.example', password: PASSWORD } });
    bystander = await tenants.createOrganization({ name: 'B', user: { emailAddress: 'b@x.example', password: PASSWORD } });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await handle.dispose();
  });

  const suspension = (id: number) => prisma.organization.findUnique({ where: { id }, select: { suspended: true, suspendedDate: true } });
  const isSuspended = async (id: number) => (await suspension(id))?.suspended ?? false;

  it('suspends and lifts: the flag and the date of the suspension in force; false for an unknown organization', async () => {
    const id = suspended.organization.id;
    expect(await suspension(id)).toEqual({ suspended: false, suspendedDate: null });
    expect(await tenants.setOrganizationSuspended(id, true)).toBe(true);
    const first = await suspension(id);
    expect(first?.suspended).toBe(true);
    expect(first?.suspendedDate).toBeInstanceOf(Date);
    expect(await isSuspended(id)).toBe(true);
    expect(await isSuspended(bystander.organization.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    // suspending again keeps when the suspension began
    expect(await tenants.setOrganizationSuspended(id, true)).toBe(true);
    expect(await suspension(id)).toEqual(first);
    expect(await tenants.setOrganizationSuspended(id, false)).toBe(true);
    expect(await suspension(id)).toEqual({ suspended: false, suspendedDate: null });
    expect(await tenants.setOrganizationSuspended(999_999, true)).toBe(false);
    expect(await isSuspended(999_999)).toBe(false);
    expect(await suspension(999_999)).toBeNull();
  });

  it('refuses right credentials of a suspended organization, in the authentication itself; wrong ones stay unknown', async () => {
    const { organization, user } = suspended;
    const instance = await instances.create(suspended.tenant, { elementId: 503, name: 'i', configuration: {}, secretKeys: new Set() });
    const { token } = await logins.issueToken(suspended.tenant, 60);
    await tenants.setOrganizationSuspended(organization.id, true);
    try {
      await expect(tenants.authenticate(user.secret, organization.secret)).rejects.toThrow(OrganizationSuspendedError);
      await expect(tenants.authenticate(user.secret, organization.secret)).rejects.toThrow(
        `Organization ${organization.id} is suspended`,
      );
      await expect(tenants.authenticateUser(user.secret)).rejects.toThrow(OrganizationSuspendedError);
      await expect(tenants.verifyUserPassword('s@x.example', PASSWORD)).rejects.toThrow(OrganizationSuspendedError);
      await expect(logins.resolveToken(token)).rejects.toThrow(OrganizationSuspendedError);
      expect((await instances.resolveForWebhook(instance.id))?.organizationSuspended).toBe(true);
      // Wrong credentials are not told about the suspension: the password first, then the suspension.
      expect(await tenants.verifyUserPassword('s@x.example', 'not the password at all')).toBeNull();
      expect(await tenants.authenticate(user.secret, bystander.organization.secret)).toBeNull();
      expect(await tenants.authenticateUser('not-a-secret')).toBeNull();
      expect(await logins.resolveToken('not-a-token')).toBeNull();
      // Another organization is not affected.
      expect(await tenants.authenticate(bystander.user.secret, bystander.organization.secret)).toEqual(bystander.tenant);
      expect(await tenants.verifyUserPassword('b@x.example', PASSWORD)).toEqual(bystander.tenant);
    } finally {
      await tenants.setOrganizationSuspended(organization.id, false);
    }
    expect(await tenants.authenticate(user.secret, organization.secret)).toEqual(suspended.tenant);
    expect(await tenants.authenticateUser(user.secret)).toEqual(suspended.tenant);
    expect(await tenants.verifyUserPassword('s@x.example', PASSWORD)).toEqual(suspended.tenant);
    expect(await logins.resolveToken(token)).toEqual(suspended.tenant);
    expect((await instances.resolveForWebhook(instance.id))?.organizationSuspended).toBe(false);
  });

  it('reads the suspension in the query that checks the credentials: no extra round trip', async () => {
    const { token } = await logins.issueToken(bystander.tenant, 60);
    const statements: string[] = [];
    const counting = new PrismaClient({ adapter: handle.adapterFactory, log: [{ emit: 'event', level: 'query' }] });
    counting.$on('query', (e) => statements.push(e.query));
    try {
      const counted = new TenantsRepository(counting, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
      expect(await counted.authenticate(bystander.user.secret, bystander.organization.secret)).toEqual(bystander.tenant);
      expect(await counted.authenticateUser(bystander.user.secret)).toEqual(bystander.tenant);
      expect(await new LoginsRepository(counting).resolveToken(token)).toEqual(bystander.tenant);
      expect(statements).toHaveLength(3);
    } finally {
      await counting.$disconnect();
    }
  });
});
