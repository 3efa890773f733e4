import { ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { parseAuthorization } from '@hub/http';
import type { Store, Tenant } from '@hub/store';
import { type CanActivate, type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FORMULA_OWNER_HEADER, verifyFormulaOwner } from './formula-owner';
import { PLATFORM_API_PREFIX, platformPathRefusal } from './platform-requests';
import { refusingSuspended } from './suspension';
import { STORE } from './tokens';

type AuthenticatedRequest = FastifyRequest & { tenant?: Tenant };

/**
 * Platform calls (/instances, /elements) carry `Authorization: User <secret>, Organization <secret>`.
 * Missing or wrong → 401; right but of a suspended organization → 403; the request then carries its
 * tenant for every query after it. A formula's `request` step comes with `x-hub-formula-owner` instead
 * (formula-owner.ts): signed by this installation and current → its organization and user, loaded
 * the same way (suspended → 403); forged, expired or malformed → 401, like a wrong secret.
 */
@Injectable()
export class PlatformAuthGuard implements CanActivate {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const owner = request.headers[FORMULA_OWNER_HEADER];
    if (owner !== undefined) {
      // What a formula may not call, a formula owner's identity may not reach either: a header that
      // leaked is no key to the routes the request step refuses (secrets, logins, the admin API).
      const refusal = platformPathRefusal(platformPathOf(request.url));
      if (refusal !== undefined) throw new ForbiddenError(`The ${FORMULA_OWNER_HEADER} identity may not call this route: ${refusal}`);
      const claimed = verifyFormulaOwner(this.store, owner);
      const tenant = claimed && (await refusingSuspended(this.store.tenants.authenticateMember(claimed.organizationId, claimed.userId)));
      if (!tenant) throw new UnauthorizedError(`The ${FORMULA_OWNER_HEADER} identity is not valid (not signed by this hub, expired, or its user is gone)`);
      request.tenant = tenant;
      return true;
    }
    const credentials = parseAuthorization(request.headers.authorization);
    if (!credentials.user || !credentials.organization) {
      throw new UnauthorizedError(
        "Authorization header is missing or incomplete: send 'Authorization: User <user secret>, Organization <organization secret>'",
      );
    }
    const tenant = await refusingSuspended(this.store.tenants.authenticate(credentials.user, credentials.organization));
    if (!tenant) throw new UnauthorizedError('The User or Organization secret is not valid');
    request.tenant = tenant;
    return true;
  }
}

/** The tenant the PlatformAuthGuard authenticated. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): Tenant => {
  const tenant = context.switchToHttp().getRequest<AuthenticatedRequest>().tenant;
  if (!tenant) throw new UnauthorizedError('Not authenticated');
  return tenant;
});

/** A request URL's path below the platform API's prefix, without its query (what platformPathRefusal reads). */
function platformPathOf(url: string): string {
  const path = url.split('?')[0];
  return path.startsWith(PLATFORM_API_PREFIX) ? path.slice(PLATFORM_API_PREFIX.length) || '/' : path;
}
