import { ForbiddenError, UnauthorizedError } from '@hub/element-sdk';
import { parseAuthorization } from '@hub/http';
import { HUB_STORE } from '@hub/platform';
import type { HubStore, InstanceRecord, Tenant } from '@hub/store';
import { type CanActivate, type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export interface HubCaller {
  readonly tenant: Tenant;
  readonly instance: InstanceRecord;
}

type HubRequest = FastifyRequest & { hubCaller?: HubCaller };

/**
 * Hub calls carry `Authorization: User <secret>, Element <token>` (Organization may be present).
 * The token selects the instance; the user must belong to the instance's organization. Unknown or
 * deleted token → 401; disabled instance → 403.
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  constructor(@Inject(HUB_STORE) private readonly store: HubStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HubRequest>();
    const credentials = parseAuthorization(request.headers.authorization);
    if (!credentials.user || !credentials.element) {
      throw new UnauthorizedError(
        "Authorization header is missing or incomplete: send 'Authorization: User <user secret>, Element <instance token>'",
      );
    }
    const [tenant, resolved] = await Promise.all([
      credentials.organization
        ? this.store.tenants.authenticate(credentials.user, credentials.organization)
        : this.store.tenants.authenticateUser(credentials.user),
      this.store.instances.resolveByToken(credentials.element),
    ]);
    if (!tenant || !resolved || resolved.instance.organizationId !== tenant.organizationId) {
      throw new UnauthorizedError('The User secret or Element token is not valid (a deleted instance’s token no longer is)');
    }
    if (resolved.instance.disabled) {
      throw new ForbiddenError(`Instance ${resolved.instance.id} is disabled: enable it with PUT /instances/${resolved.instance.id}/enabled`);
    }
    request.hubCaller = { tenant, instance: resolved.instance };
    return true;
  }
}

export const CurrentHubCaller = createParamDecorator((_: unknown, context: ExecutionContext): HubCaller => {
  const caller = context.switchToHttp().getRequest<HubRequest>().hubCaller;
  if (!caller) throw new UnauthorizedError('Not authenticated');
  return caller;
});
