import { ConflictError, ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { type Store, OrganizationSuspendedError, SecretNotRecoverableError, type Tenant } from '@hub/store';
import { Inject, Injectable } from '@nestjs/common';
import { ChangeFeed, countLoginAttempt, throttleKeys } from '@hub/runtime';
import { refusingSuspended } from '@hub/runtime';
import { STORE, PLATFORM_OPTIONS, type PlatformOptions } from '@hub/runtime';

/** One answer for an unknown user, a user without a password and a wrong password. */
export const LOGIN_REFUSED = 'The username or password is not valid';
const PRUNE_EVERY_MS = 60_000;

/**
 * The old platform's login: username and password → a short-lived bearer → the user's and its
 * organization's secrets. Attempts are counted in the store before the password is checked.
 */
@Injectable()
export class AuthenticationService {
  private lastPrune = 0;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly changes: ChangeFeed,
  ) {}

  async login(username: string, password: string, address: string): Promise<{ token: string }> {
    const settings = this.options.login;
    const now = new Date();
    await this.pruneNow(now);
    const keys = throttleKeys(username, address);
    await countLoginAttempt(this.store, settings, keys, now);
    let tenant: Tenant | null;
    try {
      // The password is checked first; only the right one learns that the organization is suspended.
      tenant = await this.store.tenants.verifyUserPassword(username, password);
    } catch (error) {
      // The right password of a suspended organization's user: not a guess, so it is not counted
      // (its 403 stays a 403 however often it is tried, rather than turning into a 429).
      if (!(error instanceof OrganizationSuspendedError)) throw error;
      await this.store.logins.forgiveAttempt([keys.username], [keys.address]);
      throw new ForbiddenError(error.message);
    }
    if (!tenant) throw new UnauthorizedError(LOGIN_REFUSED);
    await this.store.logins.forgiveAttempt([keys.username], [keys.address]);
    const { token } = await this.store.logins.issueToken(tenant, settings.tokenTtlSeconds);
    return { token };
  }

  /** The tenant of a login token; 401 when it is missing, unknown or expired; 403 when its organization is suspended. */
  async tenantOfToken(token: string | undefined): Promise<Tenant> {
    if (!token) {
      throw new UnauthorizedError("Authorization header is missing: send 'Authorization: Bearer <token>' with the token from POST /authentication");
    }
    const tenant = await refusingSuspended(this.store.logins.resolveToken(token));
    if (!tenant) throw new UnauthorizedError('The login token is not valid or has expired: log in again with POST /authentication');
    return tenant;
  }

  async secrets(tenant: Tenant): Promise<{ userSecret: string; organizationSecret: string }> {
    try {
      return await this.store.tenants.secretsOf(tenant);
    } catch (error) {
      if (error instanceof SecretNotRecoverableError) throw new ConflictError(error.message);
      throw error;
    }
  }

  async rotateUserSecret(tenant: Tenant): Promise<{ userSecret: string; previousSecretExpiresAt: string | null }> {
    const rotated = await this.store.tenants.rotateUserSecret(tenant, this.options.secretGraceSeconds);
    // Cached credentials go now (other processes hear it from the store's change feed).
    this.changes.publish({ kind: 'organization', organizationId: tenant.organizationId });
    return { userSecret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
  }

  async rotateOrganizationSecret(tenant: Tenant): Promise<{ organizationSecret: string; previousSecretExpiresAt: string | null }> {
    const rotated = await this.store.tenants.rotateOrganizationSecret(tenant, this.options.secretGraceSeconds);
    this.changes.publish({ kind: 'organization', organizationId: tenant.organizationId });
    return { organizationSecret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
  }

  /** Expired tokens and ended throttle windows go, at most once a minute per process. */
  private async pruneNow(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.store.logins.prune(this.options.login.windowSeconds, now);
  }
}
