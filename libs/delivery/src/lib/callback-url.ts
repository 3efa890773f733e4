import { BadRequestError } from '@hub/element-sdk';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { deniedRangeOf } from './ip-address';

/**
 * Callback URLs are customer input: before every attempt, the hub checks the URL and the addresses
 * its host resolves to NOW, then connects to exactly those addresses (no second resolution a DNS
 * rebinding could answer differently). `deliver` does the connecting part: it gives undici a
 * `connect.lookup` that answers the vetted addresses, so TLS still verifies the certificate against
 * the host name (SNI, Host header and certificate stay those of the URL).
 *
 * A sender that does not use `deliver` must do the same: pass `addresses` to its HTTP client's
 * `lookup` hook (Node's net/tls `lookup` option, undici's `connect: { lookup }`), never the URL's
 * host name to a resolver of its own.
 */

export const CALLBACK_URL_FIELD = 'event.notification.callback.url';
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5_000;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** All the addresses a host name resolves to (the default: node:dns/promises lookup with all: true). */
export type ResolveHost = (
  hostname: string,
) => Promise<readonly { readonly address: string; readonly family: number }[]>;

export const resolveWithSystemDns: ResolveHost = (hostname) => lookup(hostname, { all: true });

export interface CallbackUrlPolicy {
  /** Allow loopback, private and link-local addresses (tests, the quick start, a private deployment). */
  readonly allowPrivate?: boolean;
  readonly resolve?: ResolveHost;
  readonly resolveTimeoutMs?: number;
  /** The setting named in errors. */
  readonly field?: string;
}

export type CallbackUrlRefusal =
  'invalid-url' | 'unsupported-scheme' | 'credentials' | 'unresolvable' | 'denied-address';

/**
 * A refused callback URL: a 400 when the API checks a configuration, a failed (or, for a name
 * that does not resolve right now, retried) attempt when the poller delivers.
 */
export class CallbackUrlRefusedError extends BadRequestError {
  constructor(
    message: string,
    readonly reason: CallbackUrlRefusal,
    /** Could trying again later help? Only for resolution failures (DNS may recover). */
    readonly retryable: boolean,
    /** For logs, not for the customer: the denied address and its range. */
    readonly denied?: { readonly address: string; readonly range: string },
  ) {
    super(message);
  }
}

declare const vetted: unique symbol;

/** A callback URL that passed the policy, with the addresses to connect to. Only checkCallbackUrl makes one. */
export interface VettedCallbackUrl {
  /** The URL to request (fragment removed). */
  readonly href: string;
  /** Its host as a connection names it (an IPv6 literal without brackets). */
  readonly hostname: string;
  /** Every address the host resolved to, all allowed by the policy: connect to these only. */
  readonly addresses: readonly ResolvedAddress[];
  readonly [vetted]: true;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEOUT' })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks a callback URL against the policy, resolving its host; throws CallbackUrlRefusedError. */
export async function checkCallbackUrl(
  input: string | URL,
  policy: CallbackUrlPolicy = {},
): Promise<VettedCallbackUrl> {
  const field = policy.field ?? CALLBACK_URL_FIELD;
  const refuse = (
    message: string,
    reason: CallbackUrlRefusal,
    retryable = false,
    denied?: { address: string; range: string },
  ) => new CallbackUrlRefusedError(`${field} ${message}`, reason, retryable, denied);

  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw refuse('must be an absolute http(s) URL', 'invalid-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(`must be an http(s) URL (got ${url.protocol.slice(0, -1)})`, 'unsupported-scheme');
  }
  if (url.username || url.password)
    throw refuse(
      'must not carry credentials (user:password@); sign deliveries with event.notification.signature.key',
      'credentials',
    );
  url.hash = '';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!hostname) throw refuse('must name a host', 'invalid-url');

  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal) {
    addresses = [{ address: hostname, family: literal as 4 | 6 }];
  } else {
    const resolve = policy.resolve ?? resolveWithSystemDns;
    const timeoutMs = policy.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
    let found: readonly { readonly address: string; readonly family: number }[];
    try {
      found = await withTimeout(resolve(hostname), timeoutMs, `resolving ${hostname}`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw refuse(
        `host ${hostname} could not be resolved (${typeof code === 'string' ? code : 'DNS error'})`,
        'unresolvable',
        true,
      );
    }
    addresses = [];
    for (const { address } of found ?? []) {
      const family = isIP(address);
      if (family !== 4 && family !== 6)
        throw refuse(`host ${hostname} resolved to something that is not an address`, 'unresolvable', true);
      addresses.push({ address, family });
    }
    if (addresses.length === 0) throw refuse(`host ${hostname} resolved to no address`, 'unresolvable', true);
  }

  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const range = deniedRangeOf(address);
      if (range === undefined) continue;
      // Naming the address would tell a customer what an internal host name resolves to: only a
      // literal they typed themselves is named; the rest goes to `denied`, for the logs.
      throw literal
        ? refuse(`must not point at a ${range} address (${hostname})`, 'denied-address', false, {
            address,
            range,
          })
        : refuse(
            `host ${hostname} resolves to a loopback, private, link-local or otherwise non-public address, which callback URLs may not reach`,
            'denied-address',
            false,
            { address, range },
          );
    }
  }
  return Object.freeze({
    href: url.href,
    hostname,
    addresses: Object.freeze(addresses),
  }) as VettedCallbackUrl;
}
