import { Deadline, type VendorExchange, type VendorNetwork, VendorRateLimitedError, VendorTimeoutError, VendorUnavailableError } from '@hub/element-sdk';
import type RequestClient from 'twilio/lib/base/RequestClient';
import Response from 'twilio/lib/http/response';
import { Agent } from 'undici';

/**
 * One keep-alive connection pool per process, shared by every Twilio instance: the `twilio`
 * library's default axios client costs more than half the throughput in front of a vendor call
 * (see shared/reference/twilio.md); undici keeps the library's models, paging and errors.
 */
const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 128 };
const sharedAgent = new Agent(AGENT_OPTIONS);

/**
 * Under the hub's vendor-URL policy, one pool per policy whose connections resolve through the
 * policy's lookup: a pooled connection went to an address the policy checked when it was opened.
 */
const guardedAgents = new WeakMap<VendorNetwork, Agent>();
function agentFor(network: VendorNetwork | undefined): Agent {
  if (!network) return sharedAgent;
  let agent = guardedAgents.get(network);
  if (!agent) {
    agent = new Agent({ ...AGENT_OPTIONS, connect: { lookup: network.lookup as never } });
    guardedAgents.set(network, agent);
  }
  return agent;
}

/** The configuration entry vendor URLs come from, named in refusals. */
export const BASE_URL_FIELD = 'base.url';

type Params = Record<string, unknown>;

/** Retries of Twilio 429s (Twilio did not process those requests: any method is safe to retry). */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Full jitter: a random delay up to min(cap, base·2^attempt); never less than what Retry-After asks. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number, random = Math.random): number {
  const jitter = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.max(jitter, (retryAfterSeconds ?? 0) * 1000);
}

function retryAfterOf(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function appendParams(target: URLSearchParams, params: Params | undefined): void {
  if (!params) return;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) target.append(name, String(item));
  }
}

/**
 * The transport the `twilio` library calls through (its `httpClient` option). It owns the
 * timeout of every vendor call and turns transport failures into the hub's typed errors;
 * HTTP answers, errors included, go back to the library, which raises its RestException.
 *
 * It has the library's `RequestClient` shape (`request(opts)`, all the library calls) without
 * extending that class: its constructor builds an axios instance and an https Agent, per client,
 * that this transport never uses — the largest retained allocation of a poller that keeps a
 * client per instance (a heap profile at exit: axios 8.9 MB and http Agents 3.1 MB of 74.5 MB live
 * after 2,000 instances).
 */
export class UndiciRequestClient implements Pick<RequestClient, 'request'> {
  constructor(
    private readonly timeoutMs: number,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly onExchange?: (exchange: VendorExchange) => void,
    private readonly network?: VendorNetwork,
  ) {}

  /** What the `twilio` library's `httpClient` option is typed as (it only ever calls `request`). */
  asTwilioHttpClient(): RequestClient {
    return this as unknown as RequestClient;
  }

  async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    this.network?.check(url, BASE_URL_FIELD);
    appendParams(url.searchParams, opts.params as Params | undefined);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (typeof value === 'string') headers[name] = value;
    }
    if (opts.username && opts.password) {
      headers['authorization'] = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
    }
    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null) {
      const form = new URLSearchParams();
      appendParams(form, opts.data as Params);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const timeout = opts.timeout ?? this.timeoutMs;
    // One deadline for the call, retries included: a vendor call never outlives the timeout
    // (Deadline: a timer, not AbortSignal.timeout, which was a fifth of this transport's CPU).
    const signal = new Deadline(timeout);
    const deadline = Date.now() + timeout;
    const method = opts.method.toUpperCase() as 'GET';
    // The agent's own request (origin and path), not undici's top-level request(url), which parses
    // the URL again on every call.
    const target = { origin: url.origin, path: url.pathname + url.search, method, headers, body, signal };
    const dispatcher = agentFor(this.network);
    try {
      for (let attempt = 0; ; attempt++) {
        let res;
        let text: string;
        const started = performance.now();
        try {
          res = await dispatcher.request(target);
          text = await res.body.text();
        } catch (error) {
          const refusal = this.network?.refusalOf(error);
          // One message for every way a connection fails: which one (refused, reset, not HTTP) would
          // tell a tenant what listens at an address.
          const failure =
            refusal ??
            (signal.aborted
              ? new VendorTimeoutError(`Twilio did not answer within ${timeout} ms (${url.origin})`)
              : new VendorUnavailableError(`Twilio could not be reached at ${url.origin}`));
          this.onExchange?.({
            method,
            url: url.href,
            durationMs: Math.round(performance.now() - started),
            requestBody: body,
            error: failure.message,
            failure: signal.aborted ? 'timeout' : 'unreachable',
          });
          throw failure;
        }
        this.onExchange?.({
          method,
          url: url.href,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
          requestBody: body,
          responseBody: text,
        });
        if (res.statusCode !== 429) return new Response(res.statusCode, text as TData, res.headers);
        const retryAfter = retryAfterOf(res.headers);
        const delay = retryDelayMs(this.retry, attempt, retryAfter);
        if (attempt >= this.retry.maxRetries || Date.now() + delay >= deadline) {
          const problem = parseJson(text);
          throw new VendorRateLimitedError(
            `Twilio is rate limiting this account (gave up after ${attempt + 1} attempt${attempt ? 's' : ''})`,
            retryAfter ?? Math.ceil(delay / 1000),
            typeof problem?.['message'] === 'string' ? problem['message'] : undefined,
            typeof problem?.['code'] === 'number' ? problem['code'] : undefined,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    } finally {
      signal.clear();
    }
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
