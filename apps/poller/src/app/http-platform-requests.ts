import { httpAnswerOf, readTextAtMost } from '@hub/http';
import { platformRequestTarget, type PlatformRequest, type PlatformRequests, type PlatformResponse } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { request as undiciRequest } from 'undici';

/** The platform API's own body limit: an answer larger than this is not one the api gives. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * PLATFORM_REQUESTS in the poller (bound only with HUB_API_URL): the poller has no HTTP API, so
 * formulas' request steps call an api replica over HTTP, with the same signed owner identity the
 * api's in-process binding uses (its key derived from the HUB_ENCRYPTION_KEY both share). No
 * redirects are followed; an answer is bounded in time and size.
 */
export class HttpPlatformRequests implements PlatformRequests {
  private readonly base: string;

  constructor(
    apiUrl: string,
    private readonly store: Store,
    private readonly timeoutMs: number,
  ) {
    this.base = apiUrl.replace(/\/+$/, '');
  }

  async call(tenant: Tenant, request: PlatformRequest): Promise<PlatformResponse> {
    const target = platformRequestTarget(this.store, tenant, request);
    let response;
    try {
      response = await undiciRequest(`${this.base}${target.url}`, {
        method: target.method,
        headers: { 'user-agent': 'messaging-hub-formulas/1', ...target.headers },
        body: target.payload,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`the platform API at HUB_API_URL (${this.base}) could not be reached: ${(error as Error).message}`);
    }
    const text = await readTextAtMost(response.body, MAX_RESPONSE_BYTES, () => new Error(`the platform API's answer is larger than ${MAX_RESPONSE_BYTES} bytes`));
    return httpAnswerOf(response.statusCode, response.headers, text);
  }
}
