import { randomBytes } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client';
import { LoginsRepository } from './logins.repository';
import { OperatorExistsError, OperatorsRepository } from './operators.repository';
import { PasswordRejectedError } from './password-hash';
import { SecretBox } from './secret-box';
import { LoginNameTakenError, SecretNotRecoverableError, TenantsRepository } from './tenants.repository';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

const at = (iso: string) => new Date(iso);

describe.each(testDatabases().map((d) => [d.name, d] as const))('logins, secrets and operators on %s', (_name, database) => {
  let handle: TestDatabaseHandle;
  let prisma: PrismaClient;
  let tenants: TenantsRepository;
  let logins: LoginsRepository;
  let operators: OperatorsRepository;

  beforeAll(async () => {
    handle = await database.create();
    prisma = new PrismaClient({ adapter: handle.adapterFactory });
    tenants = new TenantsRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    logins = new LoginsRepository(prisma);
    operators = new OperatorsRepository(prisma);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await handle.dispose();
  });

  describe('organization users with passwords', () => {
    it('logs in by email address, any case, with its own password only; unknown and password-less users fail alike', async () => {
      const created = await tenants.createOrganization({
        name: 'Pw',
        user: { emailAddress: 'Dev@Pw.Example', password: 'a good long password' },
      });
      const other = await tenants.createUserInOrganization(created.organization.id, { emailAddress: 'nopw@pw.example' });
      expect(await tenants.verifyUserPassword('dev@pw.example', 'a good long password')).toEqual(created.tenant);
      expect(await tenants.verifyUserPassword(' DEV@PW.EXAMPLE ', 'a good long password')).toEqual(created.tenant);
      expect(await tenants.verifyUserPassword('dev@pw.example', 'a good long passworD')).toBeNull();
      expect(await tenants.verifyUserPassword('nobody@pw.example', 'a good long password')).toBeNull();
      expect(await tenants.verifyUserPassword('nopw@pw.example', '')).toBeNull();
      const [row] = await handle.query(`SELECT password_hash, login_name FROM users WHERE id = ${created.user.id}`);
      expect(row['login_name']).toBe('dev@pw.example');
      expect(String(row['password_hash'])).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(await tenants.setUserPassword(other.id, 'another long password')).toEqual({
        id: other.id,
        organizationId: created.organization.id,
        loginName: 'nopw@pw.example',
      });
      expect(await tenants.verifyUserPassword('nopw@pw.example', 'another long password')).toMatchObject({ userId: other.id });
      expect(await tenants.setUserPassword(999_999, 'another long password')).toBeNull();
    });

    it('refuses a short password and a login email address another user already has', async () => {
      await expect(tenants.createOrganization({ name: 'S', user: { emailAddress: 's@x.example', password: 'short' } })).rejects.toThrow(
        PasswordRejectedError,
      );
      await tenants.createOrganization({ name: 'T1', user: { emailAddress: 'same@x.example', password: 'twelve chars!' } });
      await expect(
        tenants.createOrganization({ name: 'T2', user: { emailAddress: 'SAME@x.example', password: 'twelve chars!' } }),
      ).rejects.toThrow(LoginNameTakenError);
      // Without a password the same address in another organization is fine, as before.
      await expect(tenants.createOrganization({ name: 'T3', user: { emailAddress: 'same@x.example' } })).resolves.toBeDefined();
    });
  });

  describe('secrets', () => {
    it('are stored hashed and sealed, never in clear, and read back for the tenant', async () => {
      const created = await tenants.createOrganization({ name: 'Sealed', user: { emailAddress: 'sealed@x.example' } });
      const rows = JSON.stringify(await handle.query(`SELECT * FROM organizations o JOIN users u ON u.organization_id = o.id WHERE o.id = ${created.organization.id}`));
      expect(rows).not.toContain(created.user.secret);
      expect(rows).not.toContain(created.organization.secret);
      expect(await tenants.secretsOf(created.tenant)).toEqual({ userSecret: created.user.secret, organizationSecret: created.organization.secret });
    });

    it('a secret issued before sealed copies existed cannot be shown again', async () => {
      const created = await tenants.createOrganization({ name: 'Old', user: { emailAddress: 'old@x.example' } });
      await handle.query(`UPDATE users SET secret_ciphertext = NULL WHERE id = ${created.user.id}`);
      await expect(tenants.secretsOf(created.tenant)).rejects.toThrow(SecretNotRecoverableError);
    });

    it('rotation: the new secret works at once, the previous one until its grace ends, an older one not at all', async () => {
      const { tenant, user, organization } = await tenants.createOrganization({ name: 'Rot', user: { emailAddress: 'rot@x.example' } });
      const t0 = at('2030-01-01T00:00:00Z');
      const rotated = await tenants.rotateUserSecret(tenant, 60, t0);
      expect(rotated.previousSecretExpiresAt).toEqual(at('2030-01-01T00:01:00Z'));
      expect(await tenants.authenticate(rotated.secret, organization.secret, t0)).toEqual(tenant);
      expect(await tenants.authenticate(user.secret, organization.secret, at('2030-01-01T00:00:59Z'))).toEqual(tenant);
      expect(await tenants.authenticateUser(user.secret, at('2030-01-01T00:00:59Z'))).toEqual(tenant);
      expect(await tenants.authenticate(user.secret, organization.secret, at('2030-01-01T00:01:00Z'))).toBeNull();
      expect(await tenants.authenticateUser(user.secret, at('2030-01-01T00:01:00Z'))).toBeNull();
      expect((await tenants.secretsOf(tenant)).userSecret).toBe(rotated.secret);

      const org = await tenants.rotateOrganizationSecret(tenant, 60, t0);
      expect(await tenants.authenticate(rotated.secret, org.secret, t0)).toEqual(tenant);
      expect(await tenants.authenticate(rotated.secret, organization.secret, at('2030-01-01T00:00:30Z'))).toEqual(tenant);
      expect(await tenants.authenticate(rotated.secret, organization.secret, at('2030-01-01T00:02:00Z'))).toBeNull();
      expect((await tenants.secretsOf(tenant)).organizationSecret).toBe(org.secret);

      // A second rotation during the grace period ends the first secret at once.
      const again = await tenants.rotateUserSecret(tenant, 60, t0);
      expect(await tenants.authenticate(user.secret, org.secret, t0)).toBeNull();
      expect(await tenants.authenticate(rotated.secret, org.secret, t0)).toEqual(tenant);
      expect(await tenants.authenticate(again.secret, org.secret, t0)).toEqual(tenant);

      // No grace: the old one ends at once.
      const now = await tenants.rotateUserSecret(tenant, 0, t0);
      expect(now.previousSecretExpiresAt).toBeNull();
      expect(await tenants.authenticate(again.secret, org.secret, t0)).toBeNull();
      expect(await tenants.authenticate(now.secret, org.secret, t0)).toEqual(tenant);
    });

    it('a user of another organization is not authenticated with this organization’s secrets, previous ones included', async () => {
      const a = await tenants.createOrganization({ name: 'A', user: { emailAddress: 'a@rot.example' } });
      const b = await tenants.createOrganization({ name: 'B', user: { emailAddress: 'b@rot.example' } });
      const t0 = at('2030-01-01T00:00:00Z');
      await tenants.rotateOrganizationSecret(a.tenant, 60, t0);
      expect(await tenants.authenticate(b.user.secret, a.organization.secret, t0)).toBeNull();
      expect(await tenants.authenticate(a.user.secret, b.organization.secret, t0)).toBeNull();
    });

    it('two rotations at once both succeed, one after the other', async () => {
      const { tenant, organization } = await tenants.createOrganization({ name: 'Race', user: { emailAddress: 'race@x.example' } });
      const [r1, r2] = await Promise.all([tenants.rotateUserSecret(tenant, 60), tenants.rotateUserSecret(tenant, 60)]);
      const current = (await tenants.secretsOf(tenant)).userSecret;
      expect([r1.secret, r2.secret]).toContain(current);
      expect(await tenants.authenticate(r1.secret, organization.secret)).toEqual(tenant);
      expect(await tenants.authenticate(r2.secret, organization.secret)).toEqual(tenant);
    });
  });

  describe('login tokens', () => {
    it('resolve to their tenant until they expire; only their hash is stored', async () => {
      const { tenant } = await tenants.createOrganization({ name: 'Tok', user: { emailAddress: 'tok@x.example' } });
      const t0 = at('2030-01-01T00:00:00Z');
      const { token, expiresAt } = await logins.issueToken(tenant, 900, t0);
      expect(expiresAt).toEqual(at('2030-01-01T00:15:00Z'));
      expect(await logins.resolveToken(token, at('2030-01-01T00:14:59Z'))).toEqual(tenant);
      expect(await logins.resolveToken(token, at('2030-01-01T00:15:00Z'))).toBeNull();
      expect(await logins.resolveToken(`${token}x`, t0)).toBeNull();
      expect(JSON.stringify(await handle.query('SELECT * FROM login_tokens'))).not.toContain(token);
      await logins.prune(900, at('2030-01-01T00:15:00Z'));
      expect(await handle.query('SELECT * FROM login_tokens')).toEqual([]);
    });
  });

  describe('attempt counters', () => {
    it('count per key in a fixed window that starts at the first attempt, and start over after it', async () => {
      const t0 = at('2030-01-01T00:00:00Z');
      expect(await logins.countAttempt(['user:w', 'ip:1'], 60, t0)).toEqual(
        expect.arrayContaining([
          { key: 'user:w', attempts: 1, windowStart: t0 },
          { key: 'ip:1', attempts: 1, windowStart: t0 },
        ]),
      );
      await logins.countAttempt(['user:w'], 60, at('2030-01-01T00:00:30Z'));
      expect(await logins.countAttempt(['user:w', 'ip:1'], 60, at('2030-01-01T00:00:59Z'))).toEqual(
        expect.arrayContaining([
          { key: 'user:w', attempts: 3, windowStart: t0 },
          { key: 'ip:1', attempts: 2, windowStart: t0 },
        ]),
      );
      const t1 = at('2030-01-01T00:01:00Z');
      expect(await logins.countAttempt(['user:w'], 60, t1)).toEqual([{ key: 'user:w', attempts: 1, windowStart: t1 }]);
    });

    it('count a concurrent burst exactly', async () => {
      const t0 = at('2030-01-01T00:00:00Z');
      const counts = await Promise.all(Array.from({ length: 20 }, () => logins.countAttempt(['user:burst'], 60, t0)));
      expect(counts.map(([c]) => c.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('a success resets the username and takes its attempt back from the address', async () => {
      const t0 = at('2030-01-01T00:00:00Z');
      await logins.countAttempt(['user:ok', 'ip:ok'], 60, t0);
      await logins.countAttempt(['user:ok', 'ip:ok'], 60, t0);
      await logins.forgiveAttempt(['user:ok'], ['ip:ok']);
      expect(await logins.countAttempt(['user:ok', 'ip:ok'], 60, t0)).toEqual(
        expect.arrayContaining([
          { key: 'user:ok', attempts: 1, windowStart: t0 },
          { key: 'ip:ok', attempts: 2, windowStart: t0 },
        ]),
      );
      await logins.prune(60, at('2030-01-01T00:01:00Z'));
      expect(await handle.query("SELECT * FROM login_throttle WHERE key IN ('user:ok', 'ip:ok')")).toEqual([]);
    });
  });

  describe('operators', () => {
    it('are unique by email case-insensitively, verify their own password only, and a disabled one not at all', async () => {
      const admin = await operators.create({ email: 'Root@Hub.Example', password: 'operator password', role: 'admin' });
      expect(admin).toMatchObject({ email: 'root@hub.example', role: 'admin', disabled: false });
      await expect(operators.create({ email: 'ROOT@hub.example', password: 'operator password', role: 'support' })).rejects.toThrow(
        OperatorExistsError,
      );
      expect(await operators.verifyPassword('root@HUB.example', 'operator password')).toMatchObject({ id: admin.id, role: 'admin' });
      expect(await operators.verifyPassword('root@hub.example', 'operator passworD')).toBeNull();
      expect(await operators.verifyPassword('nobody@hub.example', 'operator password')).toBeNull();
      expect(await operators.verifyPassword('not an email', 'operator password')).toBeNull();
      expect(JSON.stringify(await operators.verifyPassword('root@hub.example', 'operator password'))).not.toContain('scrypt');
      expect(await operators.setDisabled('root@hub.example', true)).toBe(true);
      expect(await operators.verifyPassword('root@hub.example', 'operator password')).toBeNull();
    });

    it('support is a role; a short password and an unknown role are refused', async () => {
      expect(await operators.create({ email: 'help@hub.example', password: 'support password', role: 'support' })).toMatchObject({
        role: 'support',
      });
      await expect(operators.create({ email: 'x@hub.example', password: 'short', role: 'admin' })).rejects.toThrow(PasswordRejectedError);
      await expect(operators.create({ email: 'y@hub.example', password: 'long enough pw', role: 'owner' as never })).rejects.toThrow(
        'role must be one of admin, support',
      );
    });

    it('ensureAdmin creates the admin once and leaves an existing one as it is', async () => {
      expect(await operators.ensureAdmin('First@Admin.Example', 'first admin password')).toBe(true);
      expect(await operators.ensureAdmin('first@admin.example', 'another password here')).toBe(false);
      expect(await operators.verifyPassword('first@admin.example', 'first admin password')).toMatchObject({ role: 'admin' });
      expect(await operators.verifyPassword('first@admin.example', 'another password here')).toBeNull();
    });
  });
});
