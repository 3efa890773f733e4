import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Deadline } from '@hub/element-sdk';
import { Agent, request } from 'undici';
import type { ResolvedAddress, VettedCallbackUrl } from './callback-url';
import { signDelivery, WEBHOOK_ID_HEADER } from './delivery-signature';
import { classifyDeliveryOutcome, type DeliveryOutcome, parseRetryAfter } from './retry-policy';

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
export const DELIVERY_USER_AGENT = 'messaging-hub-webhooks/1';

export interface DeliveryRequest {
  /** From checkCallbackUrl, made just before this attempt. */
  readonly target: VettedCallbackUrl;
  /** Elements-Webhook-Id: the notification's eventId, the same on every attempt. */
  readonly webhookId: string;
  /** The serialised notification: the same bytes on every attempt. */
  readonly rawBody: string;
  /** event.notification.signature.key: when set, the signature headers are sent. */
  readonly signatureKey?: string;
  /** The whole attempt: connecting, the answer's headers and the bounded read of its body (default 10 s). */
  readonly timeoutMs?: number;
  /** How much of the answer's body is read and kept (default 64 KiB); the rest is discarded unread. */
  readonly maxResponseBytes?: number;
  /** The signing clock (injected by tests). */
  readonly now?: () => Date;
}

export interface DeliveryAttempt {
  readonly outcome: DeliveryOutcome;
  /** The receiver's status, when it answered. */
  readonly status?: number;
  /** Why there was no (complete) answer: for the attempt log. */
  readonly error?: string;
  readonly durationMs: number;
  /** The receiver's Retry-After, in ms (for nextAttemptDelay). */
  readonly retryAfterMs?: number;
  /** The start of the answer's body (UTF-8, at most maxResponseBytes). */
  readonly responseBody?: string;
  /** True when the body was longer than what was kept. */
  readonly responseTruncated?: boolean;
}

/**
 * A `lookup` for net/tls that answers only the vetted addresses: the connection goes where the
 * policy looked, and no DNS answer given later (rebinding) is ever used.
 */
export function pinnedLookup(hostname: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (
    host: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    if (host !== hostname) {
      const error: NodeJS.ErrnoException = Object.assign(
        new Error(`refusing to resolve ${host}: only ${hostname} was vetted`),
        { code: 'ENOTFOUND' },
      );
      return void callback(error, '', 0);
    }
    const family =
      options.family === 4 || options.family === 'IPv4'
        ? 4
        : options.family === 6 || options.family === 'IPv6'
          ? 6
          : 0;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    if (usable.length === 0) {
      const error: NodeJS.ErrnoException = Object.assign(
        new Error(`no vetted IPv${family} address for ${host}`),
        { code: 'ENOTFOUND' },
      );
      return void callback(error, '', 0);
    }
    if (options.all)
      return void callback(
        null,
        usable.map(({ address, family: f }) => ({ address, family: f })),
      );
    callback(null, usable[0].address, usable[0].family);
  };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${field} must be a positive integer (got ${String(value)})`);
  return value;
}

function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout: no complete answer within ${timeoutMs} ms`;
  // Duck-typed, not `instanceof Error`: errors from Node's core may come from another realm (Jest's vm).
  const messageOf = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
      ? (value as { message: string }).message
      : String(value);
  // undici wraps socket errors (cause); the innermost code is the useful one (ECONNREFUSED, ECONNRESET…)
  let code: string | undefined;
  let message = messageOf(error);
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current);) {
    seen.add(current);
    const c = (current as { code?: unknown }).code;
    if (typeof c === 'string') {
      code = c;
      message = messageOf(current);
    }
    current = (current as { cause?: unknown }).cause;
  }
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return `timeout: ${message}`;
  }
  return code ? `${code}: ${message}` : message;
}

/**
 * One attempt to deliver a notification: POST the raw body as JSON to the vetted URL, connecting
 * only to its vetted addresses, with Elements-Webhook-Id and (with a key) the signature headers.
 * Redirects are not followed (a 3xx is a failed attempt); the answer's body is read up to a
 * bound; the whole attempt has a deadline. Never throws for what the receiver does: the result
 * says what happened, classified by classifyDeliveryOutcome.
 *
 * Connections are kept alive between attempts, in an agent per callback origin and vetted address
 * set (agentFor): an attempt reuses a connection only to an address its own check vetted; when DNS
 * answers differently, the next attempt gets another agent (and the old one is closed when it ages out).
 */
export async function deliver(input: DeliveryRequest): Promise<DeliveryAttempt> {
  const { target } = input;
  if (
    !target ||
    typeof target.href !== 'string' ||
    !Array.isArray(target.addresses) ||
    target.addresses.length === 0
  ) {
    throw new TypeError('target must be a VettedCallbackUrl (from checkCallbackUrl)');
  }
  if (typeof input.webhookId !== 'string' || input.webhookId.length === 0)
    throw new TypeError('webhookId must be a non-empty string');
  if (typeof input.rawBody !== 'string')
    throw new TypeError('rawBody must be a string (the serialised notification)');
  const timeoutMs = positiveInteger(input.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS, 'timeoutMs');
  const maxResponseBytes = positiveInteger(
    input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    'maxResponseBytes',
  );
  const url = new URL(target.href);

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': DELIVERY_USER_AGENT,
    [WEBHOOK_ID_HEADER]: input.webhookId,
  };
  if (input.signatureKey !== undefined) {
    Object.assign(
      headers,
      signDelivery({
        key: input.signatureKey,
        rawBody: input.rawBody,
        timestamp: (input.now ?? (() => new Date()))(),
      }),
    );
  }

  const agent = agentFor(url, target, timeoutMs);
  // The attempt's deadline (Deadline: a timer, not AbortSignal.timeout, whose cost per call is ~30× more).
  const signal = new Deadline(timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let status: number | undefined;
  let retryAfterMs: number | undefined;
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body: input.rawBody,
      dispatcher: agent,
      signal,
      maxRedirections: 0,
    });
    status = response.statusCode;
    retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let readError: string | undefined;
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Buffer;
        const room = maxResponseBytes - kept;
        if (bytes.length > room) {
          chunks.push(bytes.subarray(0, room));
          kept += room;
          truncated = true;
          break; // leaves the loop and destroys the body: the rest is never read
        }
        chunks.push(bytes);
        kept += bytes.length;
      }
    } catch (error) {
      truncated = true; // the status arrived; the body did not (all of it)
      readError = describeError(error, signal.aborted, timeoutMs);
    }
    return {
      outcome: classifyDeliveryOutcome({ status }),
      status,
      ...(readError ? { error: `reading the answer: ${readError}` } : {}),
      durationMs: elapsed(),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      responseBody: Buffer.concat(chunks).toString('utf8'),
      responseTruncated: truncated,
    };
  } catch (error) {
    const message = describeError(error, signal.aborted, timeoutMs);
    return { outcome: classifyDeliveryOutcome({ error: message }), error: message, durationMs: elapsed() };
  } finally {
    signal.clear();
  }
}

/** How many callback origins keep an agent (and their idle connections); the least recently used is closed. */
export const MAX_DELIVERY_AGENTS = 256;
/** Connections per callback origin and process: deliveries to one receiver run at most this many at once. */
export const CONNECTIONS_PER_ORIGIN = 16;
const agents = new Map<string, Agent>();

/**
 * The keep-alive agent for a callback origin and the address set its check vetted (and the attempt's
 * timeout): connections go only to those addresses (pinned lookup), so a connection reused from the
 * pool was made to an address this very attempt's check allowed.
 */
export function agentFor(url: URL, target: VettedCallbackUrl, timeoutMs: number): Agent {
  const addresses = target.addresses.map((a) => `${a.family}/${a.address}`).sort().join(',');
  const key = `${url.origin}|${target.hostname}|${addresses}|${timeoutMs}`;
  let agent = agents.get(key);
  if (agent) {
    agents.delete(key); // most recently used last
  } else {
    agent = new Agent({
      connect: { lookup: pinnedLookup(target.hostname, target.addresses), timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connections: CONNECTIONS_PER_ORIGIN,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 30_000,
    });
    if (agents.size >= MAX_DELIVERY_AGENTS) {
      const [oldestKey, oldest] = agents.entries().next().value as [string, Agent];
      agents.delete(oldestKey);
      oldest.close().catch(() => undefined);
    }
  }
  agents.set(key, agent);
  return agent;
}

/** Closes every kept-alive delivery connection (a process shutting down, tests). */
export async function closeDeliveryAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.destroy().catch(() => undefined)));
}
