import { ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { parseAuthorization } from '@hub/http';
import { InstanceChanges } from './instance-changes';
import type { HubCaller } from './ports';
import { refusingSuspended } from './suspension';
import { STORE } from './tokens';
import { RefreshingCache } from './refreshing-cache';
import { createHash } from 'node:crypto';
import type { Store } from '@hub/store';
import { type CanActivate, type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './rate-limiter';


type HubRequest = FastifyRequest & { hubCaller?: HubCaller };

/**
 * Hub calls carry `Authorization: User <secret>, Element <token>` (Organization may be present).
 * The token selects the instance; the user must belong to the instance's organization. Unknown or
 * deleted token → 401; disabled instance → 403; the user's organization suspended by the hub's
 * operators → 403 (a refusal is never cached, so lifting a suspension applies to the next call; a
 * suspension reaches callers already resolved within CREDENTIALS_TTL_MS); the organization over its
 * hub-call limit → 429. In steady state a call costs no database statement: resolved credentials are
 * reloaded in the background before they expire (RefreshingCache).
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  /**
   * Resolved credentials: resolving them takes several database round trips, more than the rest of
   * a hub call. Keyed by a hash of the credentials (never the secrets); dropped at once when the
   * change feed names the instance or its organization; reloaded off the request path once half
   * their TTL old, so a change made where the feed does not reach is seen within CREDENTIALS_TTL_MS.
   */
  private readonly resolved = new RefreshingCache<string, HubCaller>({ max: 10_000, ttlMs: CREDENTIALS_TTL_MS, refreshAfterMs: CREDENTIALS_TTL_MS / 2 });
  private readonly keysByInstance = new Map<number, Set<string>>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    changes: InstanceChanges,
    private readonly limiter: RateLimiter,
  ) {
    changes.subscribe((instanceId) => {
      // A resolution in flight may have read the instance before this change: it must not be cached.
      this.resolved.forgetLoadsInFlight();
      if (instanceId === undefined) {
        this.resolved.clear();
        this.keysByInstance.clear();
        return;
      }
      for (const key of this.keysByInstance.get(instanceId) ?? []) this.resolved.delete(key);
      this.keysByInstance.delete(instanceId);
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await this.authenticate(http.getRequest<HubRequest>(), http.getResponse<FastifyReply>());
    return true;
  }

  /**
   * The guard as a function, for the hub-call route that Fastify serves without Nest's pipeline:
   * the caller of the request (also kept on it for CurrentHubCaller and the hub-call metrics), the
   * rate limit's headers set on the reply; throws the 401/403/429 the guard's refusals are.
   */
  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<HubCaller> {
    const credentials = parseAuthorization(request.headers.authorization);
    if (!credentials.user || !credentials.element) {
      throw new UnauthorizedError(
        "Authorization header is missing or incomplete: send 'Authorization: User <user secret>, Element <instance token>'",
      );
    }
    const key = createHash('sha256')
      .update(`${credentials.user}\u0000${credentials.organization ?? ''}\u0000${credentials.element}`)
      .digest('base64url');
    const { user, organization, element } = credentials;
    const caller = await this.resolved.get(key, async () => {
      const resolved = await this.resolve(user, organization, element);
      const keys = this.keysByInstance.get(resolved.instance.id) ?? new Set<string>();
      keys.add(key);
      this.keysByInstance.set(resolved.instance.id, keys);
      return resolved;
    });
    (request as HubRequest).hubCaller = caller;
    // The organization's hub-call limit (a 429 with Retry-After when it is over it).
    const limitHeaders = await this.limiter.take(caller.tenant.organizationId);
    if (Object.keys(limitHeaders).length > 0) void reply.headers(limitHeaders);
    return caller;
  }

  private async resolve(user: string, organization: string | undefined, element: string): Promise<HubCaller> {
    const credentials = { user, organization, element };
    const [tenant, resolved] = await Promise.all([
      refusingSuspended(
        credentials.organization
          ? this.store.tenants.authenticate(credentials.user, credentials.organization)
          : this.store.tenants.authenticateUser(credentials.user),
      ),
      this.store.instances.resolveByToken(credentials.element),
    ]);
    if (!tenant || !resolved || resolved.instance.organizationId !== tenant.organizationId) {
      throw new UnauthorizedError('The User secret or Element token is not valid (a deleted instance’s token no longer is)');
    }
    if (resolved.instance.disabled) {
      throw new ForbiddenError(`Instance ${resolved.instance.id} is disabled: enable it with PUT /instances/${resolved.instance.id}/enabled`);
    }
    return { tenant, instance: resolved.instance, strictParameters: resolved.organizationStrictParameters };
  }
}

/** How long resolved hub credentials are reused, in this process. */
export const CREDENTIALS_TTL_MS = 2_000;

export const CurrentHubCaller = createParamDecorator((_: unknown, context: ExecutionContext): HubCaller => {
  const caller = context.switchToHttp().getRequest<HubRequest>().hubCaller;
  if (!caller) throw new UnauthorizedError('Not authenticated');
  return caller;
});
