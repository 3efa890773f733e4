import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { DummyPassword, hashPassword, PasswordRejectedError, passwordProblem, verifyPassword } from './password-hash';
import { hashSecret, newSecret, type SecretBox } from './secret-box';
import { unlessSuspended } from './suspension';
import { mintTenant, type Tenant } from './tenant';

export interface NewOrganization {
  readonly name: string;
  readonly user: NewUser;
}

export interface NewUser {
  readonly emailAddress: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Lets the user log in (POST /authentication) with its email address; stored as a scrypt hash. */
  readonly password?: string;
}

/** The only moment secrets exist in clear: returned once to whoever created them. */
export interface CreatedOrganization {
  readonly tenant: Tenant;
  readonly organization: { readonly id: number; readonly name: string; readonly secret: string };
  readonly user: { readonly id: number; readonly emailAddress: string; readonly secret: string };
}

/** What an organization sets for itself. */
export interface OrganizationSettings {
  /** request.parameters.strict for all its instances: hub calls refuse parameters their resource does not take. */
  readonly strictParameters: boolean;
}

export interface UserSummary {
  readonly id: number;
  readonly emailAddress: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/** A new secret, returned once; the one it replaced keeps working until previousSecretExpiresAt (null: not at all). */
export interface RotatedSecret {
  readonly secret: string;
  readonly previousSecretExpiresAt: Date | null;
}

/** Another user already logs in with this email address (login names are unique across organizations). */
export class LoginNameTakenError extends Error {
  constructor(readonly loginName: string) {
    super(`Another user already logs in as ${loginName}: login email addresses are unique across organizations`);
  }
}

/** The secret was issued before the hub kept sealed copies, so it cannot be shown again: rotate it. */
export class SecretNotRecoverableError extends Error {
  constructor(readonly which: 'user' | 'organization') {
    super(
      `The ${which} secret was issued before the hub kept encrypted copies of secrets and cannot be shown again: rotate it (POST /elements/api-v2/${which === 'user' ? 'users/me' : 'organizations'}/secret/rotate), then log in again`,
    );
  }
}

/** The login name of an email address: trimmed and lower-cased, so logins ignore case. */
export function loginNameOf(emailAddress: string): string {
  return emailAddress.trim().toLowerCase();
}

/** Who a secret belongs to, and whether operators suspended its organization. */
type SecretOwner = { id: number; organization_id: number; suspended: boolean };

const USER_SECRET = 'user-secret';
const ORGANIZATION_SECRET = 'organization-secret';

/**
 * Organizations, users and the secrets that authenticate them. A secret is looked up by its
 * SHA-256 hash and also kept sealed (AES-256-GCM, bound to that hash) so that a logged-in user can
 * read it again (GET /authentication/secrets). After a rotation the previous hash keeps
 * authenticating until its grace period ends.
 */
export class TenantsRepository {
  private readonly dummy = new DummyPassword();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {}

  private sealed(kind: string, secret: string): { secretHash: string; secretCiphertext: string } {
    const secretHash = hashSecret(secret);
    return { secretHash, secretCiphertext: this.secrets.seal(secret, `${kind}:${secretHash}`) };
  }

  private async login(user: NewUser): Promise<{ loginName?: string; passwordHash?: string }> {
    if (user.password === undefined) return {};
    const problem = passwordProblem(user.password);
    if (problem) throw new PasswordRejectedError(problem);
    return { loginName: loginNameOf(user.emailAddress), passwordHash: await hashPassword(user.password) };
  }

  private async loginNameFree<T>(loginName: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (
        loginName !== undefined &&
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002' &&
        JSON.stringify(error.meta ?? {}).includes('login_name')
      ) {
        throw new LoginNameTakenError(loginName);
      }
      throw error;
    }
  }

  async createOrganization(input: NewOrganization): Promise<CreatedOrganization> {
    const organizationSecret = newSecret();
    const userSecret = newSecret();
    const login = await this.login(input.user);
    const organization = await this.loginNameFree(login.loginName, () =>
      this.prisma.organization.create({
        data: {
          name: input.name,
          ...this.sealed(ORGANIZATION_SECRET, organizationSecret),
          users: {
            create: {
              emailAddress: input.user.emailAddress,
              firstName: input.user.firstName ?? null,
              lastName: input.user.lastName ?? null,
              ...this.sealed(USER_SECRET, userSecret),
              ...login,
            },
          },
        },
        include: { users: true },
      }),
    );
    const user = organization.users[0];
    return {
      tenant: mintTenant(organization.id, user.id),
      organization: { id: organization.id, name: organization.name, secret: organizationSecret },
      user: { id: user.id, emailAddress: user.emailAddress, secret: userSecret },
    };
  }

  /** Adds a user to the organization the tenant belongs to; returns its secret once. */
  async createUser(tenant: Tenant, input: NewUser): Promise<{ id: number; emailAddress: string; secret: string }> {
    return this.createUserInOrganization(tenant.organizationId, input);
  }

  /** Operators only (the `hub` CLI): adds a user to any organization; returns its secret once. */
  async createUserInOrganization(
    organizationId: number,
    input: NewUser,
  ): Promise<{ id: number; emailAddress: string; secret: string }> {
    const secret = newSecret();
    const login = await this.login(input);
    const user = await this.loginNameFree(login.loginName, () =>
      this.prisma.user.create({
        data: {
          organizationId,
          emailAddress: input.emailAddress,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          ...this.sealed(USER_SECRET, secret),
          ...login,
        },
      }),
    );
    return { id: user.id, emailAddress: user.emailAddress, secret };
  }

  /**
   * Operators only (the `hub` CLI): sets a user's password, which lets it log in with its email
   * address. Null when there is no such user.
   */
  async setUserPassword(
    userId: number,
    password: string,
  ): Promise<{ id: number; organizationId: number; loginName: string } | null> {
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { emailAddress: true } });
    if (!user) return null;
    const login = await this.login({ emailAddress: user.emailAddress, password });
    const updated = await this.loginNameFree(login.loginName, () =>
      this.prisma.user.update({ where: { id: userId }, data: login, select: { id: true, organizationId: true } }),
    );
    return { ...updated, loginName: login.loginName ?? '' };
  }

  /**
   * POST /authentication: the user whose login name this is, when the password is its own. An
   * unknown name, a user without a password and a wrong password all cost one scrypt check and
   * answer null alike. Suspension is looked at only after the password matched (so it tells
   * nothing about a wrong one): then a suspended organization's user gets OrganizationSuspendedError.
   */
  async verifyUserPassword(username: string, password: string): Promise<Tenant | null> {
    const [user] = await this.prisma.$queryRaw<{ id: number; organization_id: number; password_hash: string | null; suspended: boolean }[]>`
      SELECT u.id, u.organization_id, u.password_hash, o.suspended
        FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE u.login_name = ${loginNameOf(username)}`;
    if (!user?.password_hash) return this.dummy.waste(password).then(() => null);
    if (!(await verifyPassword(password, user.password_hash))) return null;
    return unlessSuspended(mintTenant(user.organization_id, user.id), user.suspended);
  }

  /**
   * Operators only: the admin API is the one caller (no tenant can suspend itself or another). A
   * suspended organization's users get 403 on every platform call, hub call and login (hub calls
   * within the api's 2 s credential cache), vendor webhooks into its instances store nothing, and
   * its instances are neither polled nor delivered to; notifications already stored wait and are
   * delivered once the suspension is lifted. Suspending keeps the date of a suspension already in
   * force. False when there is no such organization.
   */
  async setOrganizationSuspended(organizationId: number, suspended: boolean): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE organizations
         SET suspended = ${suspended},
             suspended_date = CASE WHEN ${suspended} THEN COALESCE(suspended_date, now()) ELSE NULL END,
             updated_date = now()
       WHERE id = ${organizationId}`;
    return count > 0;
  }

  /** The organization's own settings (request.parameters.strict: its hub calls refuse unknown parameters). */
  async organizationSettings(tenant: Tenant): Promise<OrganizationSettings> {
    const row = await this.prisma.organization.findUnique({ where: { id: tenant.organizationId }, select: { strictParameters: true } });
    return { strictParameters: row?.strictParameters ?? false };
  }

  /** Changes the settings given, keeps the others; answers them all. */
  async setOrganizationSettings(tenant: Tenant, change: Partial<OrganizationSettings>): Promise<OrganizationSettings> {
    const row = await this.prisma.organization.update({
      where: { id: tenant.organizationId },
      data: { ...(change.strictParameters !== undefined ? { strictParameters: change.strictParameters } : {}) },
      select: { strictParameters: true },
    });
    return { strictParameters: row.strictParameters };
  }

  async countOrganizations(): Promise<number> {
    return this.prisma.organization.count();
  }

  /**
   * `User <secret>, Organization <secret>`: both must match (the current secret, or the previous
   * one during its grace period), and the user must belong to the organization. Right credentials of
   * a suspended organization throw OrganizationSuspendedError (read in the same query).
   */
  async authenticate(userSecret: string, organizationSecret: string, now = new Date()): Promise<Tenant | null> {
    const userHash = hashSecret(userSecret);
    const organizationHash = hashSecret(organizationSecret);
    // One statement (Prisma would read a selected relation with a second one).
    const [user] = await this.prisma.$queryRaw<SecretOwner[]>`
      SELECT u.id, u.organization_id, o.suspended
        FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE (u.secret_hash = ${userHash} OR (u.previous_secret_hash = ${userHash} AND u.previous_secret_expires_at > ${now}::timestamptz))
         AND (o.secret_hash = ${organizationHash} OR (o.previous_secret_hash = ${organizationHash} AND o.previous_secret_expires_at > ${now}::timestamptz))
       LIMIT 1`;
    return user ? unlessSuspended(mintTenant(user.organization_id, user.id), user.suspended) : null;
  }

  /**
   * `User <secret>` alone (hub calls, where the Element token names the organization's instance);
   * a suspended organization's user throws OrganizationSuspendedError.
   */
  async authenticateUser(userSecret: string, now = new Date()): Promise<Tenant | null> {
    const userHash = hashSecret(userSecret);
    const [user] = await this.prisma.$queryRaw<SecretOwner[]>`
      SELECT u.id, u.organization_id, o.suspended
        FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE u.secret_hash = ${userHash} OR (u.previous_secret_hash = ${userHash} AND u.previous_secret_expires_at > ${now}::timestamptz)
       LIMIT 1`;
    return user ? unlessSuspended(mintTenant(user.organization_id, user.id), user.suspended) : null;
  }

  /**
   * The organization and user an internal signed identity names (a formula's owner, checked by the
   * platform guard): the user must still belong to the organization; a suspended organization throws
   * OrganizationSuspendedError, as `authenticate` does.
   */
  async authenticateMember(organizationId: number, userId: number): Promise<Tenant | null> {
    const [user] = await this.prisma.$queryRaw<SecretOwner[]>`
      SELECT u.id, u.organization_id, o.suspended
        FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE u.id = ${userId} AND u.organization_id = ${organizationId}
       LIMIT 1`;
    return user ? unlessSuspended(mintTenant(user.organization_id, user.id), user.suspended) : null;
  }

  /** The tenant's current secrets in clear, for GET /authentication/secrets (behind a login token). */
  async secretsOf(tenant: Tenant): Promise<{ userSecret: string; organizationSecret: string }> {
    const user = await this.prisma.user.findFirst({
      where: { id: tenant.userId, organizationId: tenant.organizationId },
      select: { secretHash: true, secretCiphertext: true, organization: { select: { secretHash: true, secretCiphertext: true } } },
    });
    if (!user) throw new Error(`user ${tenant.userId} is gone`);
    const open = (kind: string, row: { secretHash: string; secretCiphertext: string | null }, which: 'user' | 'organization') => {
      if (!row.secretCiphertext) throw new SecretNotRecoverableError(which);
      const secret = this.secrets.open(row.secretCiphertext, `${kind}:${row.secretHash}`);
      if (hashSecret(secret) !== row.secretHash) throw new Error(`the sealed ${which} secret does not match its hash`);
      return secret;
    };
    return {
      userSecret: open(USER_SECRET, user, 'user'),
      organizationSecret: open(ORGANIZATION_SECRET, user.organization, 'organization'),
    };
  }

  /** A new secret for the tenant's user; the current one keeps working for `graceSeconds`. */
  async rotateUserSecret(tenant: Tenant, graceSeconds: number, now = new Date()): Promise<RotatedSecret> {
    return this.rotate(USER_SECRET, graceSeconds, now, async (replace) => {
      const row = await this.prisma.user.findFirst({
        where: { id: tenant.userId, organizationId: tenant.organizationId },
        select: { secretHash: true },
      });
      if (!row) throw new Error(`user ${tenant.userId} is gone`);
      const { count } = await this.prisma.user.updateMany({
        where: { id: tenant.userId, secretHash: row.secretHash },
        data: replace(row.secretHash),
      });
      return count === 1;
    });
  }

  /** A new secret for the tenant's organization; the current one keeps working for `graceSeconds`. */
  async rotateOrganizationSecret(tenant: Tenant, graceSeconds: number, now = new Date()): Promise<RotatedSecret> {
    return this.rotate(ORGANIZATION_SECRET, graceSeconds, now, async (replace) => {
      const row = await this.prisma.organization.findUnique({ where: { id: tenant.organizationId }, select: { secretHash: true } });
      if (!row) throw new Error(`organization ${tenant.organizationId} is gone`);
      const { count } = await this.prisma.organization.updateMany({
        where: { id: tenant.organizationId, secretHash: row.secretHash },
        data: replace(row.secretHash),
      });
      return count === 1;
    });
  }

  /**
   * The current secret becomes the previous one (an older previous one ends at once), a new one is
   * sealed. The update is conditional on the secret read, so two rotations at once cannot lose one.
   */
  private async rotate(
    kind: string,
    graceSeconds: number,
    now: Date,
    swap: (
      replace: (currentHash: string) => {
        secretHash: string;
        secretCiphertext: string;
        previousSecretHash: string | null;
        previousSecretExpiresAt: Date | null;
      },
    ) => Promise<boolean>,
  ): Promise<RotatedSecret> {
    const secret = newSecret();
    const previousSecretExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const swapped = await swap((currentHash) => ({
        ...this.sealed(kind, secret),
        previousSecretHash: previousSecretExpiresAt ? currentHash : null,
        previousSecretExpiresAt,
      }));
      if (swapped) return { secret, previousSecretExpiresAt };
    }
    throw new Error('the secret kept changing while it was being rotated');
  }

  async findUser(tenant: Tenant, userId: number): Promise<UserSummary | null> {
    return this.prisma.user.findFirst({
      where: { id: userId, organizationId: tenant.organizationId },
      select: { id: true, emailAddress: true, firstName: true, lastName: true },
    });
  }
}
