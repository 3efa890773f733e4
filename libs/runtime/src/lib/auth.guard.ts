import { UnauthorizedError } from '@hub/element-sdk';
import { parseAuthorization } from '@hub/http';
import type { Store, Tenant } from '@hub/store';
import { type CanActivate, type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { refusingSuspended } from './suspension';
import { STORE } from './tokens';

type AuthenticatedRequest = FastifyRequest & { tenant?: Tenant };

/**
 * Platform calls (/instances, /elements) carry `Authorization: User <secret>, Organization <secret>`.
 * Missing or wrong → 401; right but of a suspended organization → 403; the request then carries its
 * tenant for every query after it.
 */
@Injectable()
export class PlatformAuthGuard implements CanActivate {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
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
