import { VendorTimeoutError, VendorUnavailableError } from '@hub/element-sdk';
import RequestClient from 'twilio/lib/base/RequestClient';
import Response from 'twilio/lib/http/response';
import { Agent, request } from 'undici';

/**
 * One keep-alive connection pool per process, shared by every Twilio instance: the `twilio`
 * library's default axios client costs more than half the throughput in front of a vendor call
 * (see shared/reference/twilio.md); undici keeps the library's models, paging and errors.
 */
const sharedAgent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 128 });

type Params = Record<string, unknown>;

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
 */
export class UndiciRequestClient extends RequestClient {
  constructor(private readonly timeoutMs: number) {
    super({ timeout: timeoutMs });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
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
    const signal = AbortSignal.timeout(timeout);
    try {
      const res = await request(url, {
        method: opts.method.toUpperCase() as 'GET',
        headers,
        body,
        dispatcher: sharedAgent,
        signal,
      });
      const text = await res.body.text();
      return new Response(res.statusCode, text as TData, res.headers);
    } catch (error) {
      if (signal.aborted) {
        throw new VendorTimeoutError(`Twilio did not answer within ${timeout} ms (${url.origin})`);
      }
      const code = (error as { code?: string }).code;
      const reason = error instanceof Error ? error.message : String(error);
      throw new VendorUnavailableError(`Twilio could not be reached at ${url.origin}: ${code ?? reason}`);
    }
  }
}
