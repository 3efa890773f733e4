import { ForbiddenError } from '@hub/element-sdk';
import { OrganizationSuspendedError } from '@hub/store';

/**
 * Runs an authentication; right credentials of a suspended organization (the store throws
 * OrganizationSuspendedError, read in the same query as the credentials) answer 403 with the
 * store's message, never 401: the credentials are good, the organization is not allowed in.
 */
export async function refusingSuspended<T>(authentication: Promise<T>): Promise<T> {
  try {
    return await authentication;
  } catch (error) {
    if (error instanceof OrganizationSuspendedError) throw new ForbiddenError(error.message);
    throw error;
  }
}
