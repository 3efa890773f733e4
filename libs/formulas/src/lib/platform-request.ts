import type { PlatformRequest, PlatformRequests, PlatformResponse } from '@hub/runtime';
import type { Tenant } from '@hub/store';

/** Where PLATFORM_REQUESTS is not bound: the poller without HUB_API_URL (the api always binds it). */
export const PLATFORM_REQUESTS_UNBOUND = "request steps need HUB_API_URL on the poller (the api's base URL)";

/** A `request` step's call, as the formula instance's owner; without a binding in this process the step fails saying what to set. */
export function callPlatformAsOwner(platform: PlatformRequests | undefined, owner: Tenant, request: PlatformRequest): Promise<PlatformResponse> {
  if (!platform) return Promise.reject(new Error(PLATFORM_REQUESTS_UNBOUND));
  return platform.call(owner, request);
}
