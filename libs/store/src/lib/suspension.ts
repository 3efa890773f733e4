/**
 * The credentials are right, but the hub's operators suspended the organization: callers answer 403
 * (never 401, so a client does not go looking for other secrets) until the suspension is lifted.
 */
export class OrganizationSuspendedError extends Error {
  constructor(readonly organizationId: number) {
    super(`Organization ${organizationId} is suspended: its calls are refused until the suspension is lifted; contact the hub's operators`);
  }
}

/**
 * What an authentication found, unless its organization is suspended (read in the same query as the
 * credentials, so suspension costs no round trip): then OrganizationSuspendedError. Null passes through.
 */
export function unlessSuspended<T extends { organizationId: number }>(found: T | null, suspended: boolean): T | null {
  if (found && suspended) throw new OrganizationSuspendedError(found.organizationId);
  return found;
}
