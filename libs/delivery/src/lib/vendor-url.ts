import { BadRequestError, type VendorNetwork } from '@hub/element-sdk';
import { isIP } from 'node:net';
import { type ResolveHost, resolveWithSystemDns, DEFAULT_RESOLVE_TIMEOUT_MS } from './callback-url';
import { deniedRangeOf } from './ip-address';

/**
 * Vendor URLs in an instance's configuration (`base.url`) are tenant input, like callback URLs:
 * the same address policy applies (ip-address.ts), with the same pinning. A vendor URL may reach
 *   - a loopback, private, link-local or otherwise non-public address only when the operator allows
 *     it (HUB_ALLOW_PRIVATE_VENDOR_URLS: a vendor double, a private gateway; `auto` = embedded store);
 *   - a public address only on a host of the element's vendor hosts (`*.twilio.com`), or on one the
 *     operator added (HUB_VENDOR_HOSTS). An element that declares none allows any public host.
 * The connection goes only to the addresses the lookup checked (undici's `connect.lookup`), so a DNS
 * answer that changes between check and connect (rebinding) is never used.
 */

export interface VendorUrlPolicy {
  readonly allowPrivate: boolean;
  /** Host patterns: `api.twilio.com`, `*.twilio.com` (any subdomain), `*` (any public host). */
  readonly hosts: readonly string[];
  readonly resolve?: ResolveHost;
  readonly resolveTimeoutMs?: number;
}

/** A refused vendor URL: a 400 naming the configuration field, never which service listens there. */
export class VendorUrlRefusedError extends BadRequestError {}

const REFUSAL = Symbol('vendorUrlRefusal');

/** `*.twilio.com` matches `api.twilio.com` and `a.b.twilio.com`, not `twilio.com` nor `eviltwilio.com`. */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().trim();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}

/**
 * HUB_VENDOR_HOSTS: comma-separated `element:host-pattern` entries (`*` as the element: every
 * element), e.g. `twiliov2:gateway.example.com,*:*.corp.example`. Answers the extra patterns per
 * element key; throws naming the bad entry.
 */
export function parseVendorHosts(text: string | undefined): ReadonlyMap<string, readonly string[]> {
  const byElement = new Map<string, string[]>();
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_*-]+):(\*|(\*\.)?[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/.exec(entry);
    if (!match) throw new Error(`'${entry}' is not element:host (e.g. twiliov2:gateway.example.com or *:*.example.org)`);
    const list = byElement.get(match[1]) ?? [];
    list.push(match[2].replace(/^\[|\]$/g, ''));
    byElement.set(match[1], list);
  }
  return byElement;
}

/** The hosts an element's vendor URLs may name: its own, and what the operator added for it or for all. */
export function vendorHostsOf(elementKey: string, declared: readonly string[], extra: ReadonlyMap<string, readonly string[]>): readonly string[] {
  if (declared.length === 0) return ['*'];
  return [...declared, ...(extra.get(elementKey) ?? []), ...(extra.get('*') ?? [])];
}

/** Host verdicts a network keeps (a bound: hosts come from tenants' configurations). */
const MAX_KEPT_VERDICTS = 1_000;

function refused(message: string): VendorUrlRefusedError {
  return new VendorUrlRefusedError(message);
}

/** The policy as an adapter's transport uses it (see VendorNetwork in element-sdk). */
export function vendorNetwork(policy: VendorUrlPolicy): VendorNetwork {
  const allowedHost = (host: string) => policy.hosts.some((pattern) => hostMatches(host, pattern));
  const hostsText = () => policy.hosts.join(', ');
  const resolve = policy.resolve ?? resolveWithSystemDns;
  const timeoutMs = policy.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  /** Why a URL's host is refused, worded for the configuration entry it came from; undefined when it is not. */
  type Refusal = ((field: string) => string) | undefined;
  const hostRefusal = (host: string): Refusal => {
    if (isIP(host)) {
      const range = deniedRangeOf(host);
      if (range !== undefined) {
        return policy.allowPrivate ? undefined : (field) => `configuration '${field}' must not point at a ${range} address (${host}); the operator allows such vendor URLs with HUB_ALLOW_PRIVATE_VENDOR_URLS`;
      }
    }
    // A name outside the list can still be a private gateway when those are allowed: the lookup decides.
    if (!allowedHost(host) && !policy.allowPrivate) {
      return (field) => `configuration '${field}' must name a host of this element's vendor (${hostsText()}), not ${host}; the operator can add hosts with HUB_VENDOR_HOSTS`;
    }
    return undefined;
  };
  const verdicts = new Map<string, Refusal>();

  return {
    check(url: URL, field: string): void {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`configuration '${field}' must be an http(s) URL`);
      if (url.username || url.password) throw refused(`configuration '${field}' must not carry credentials (user:password@)`);
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      // Every vendor call checks its URL: a host's verdict (it depends on the host and the policy only) is kept.
      if (!verdicts.has(host)) {
        if (verdicts.size >= MAX_KEPT_VERDICTS) verdicts.clear();
        verdicts.set(host, hostRefusal(host));
      }
      const refusal = verdicts.get(host);
      if (refusal) throw refused(refusal(field));
    },

    lookup(hostname, options, callback) {
      const fail = (error: VendorUrlRefusedError) => callback(Object.assign(new Error(error.message), { code: 'EVENDORURL', [REFUSAL]: error }), '', 0);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), timeoutMs);
      });
      Promise.race([resolve(hostname), timeout])
        .then((found) => {
          const addresses: { address: string; family: number }[] = [];
          for (const { address } of found ?? []) {
            const family = isIP(address);
            if (!family) return fail(refused(`the vendor host ${hostname} resolved to something that is not an address`));
            const range = deniedRangeOf(address);
            // Which address a name resolved to is not told: only that it is not allowed.
            if (range !== undefined && !policy.allowPrivate) {
              return fail(refused(`the vendor host ${hostname} resolves to a loopback, private, link-local or otherwise non-public address, which vendor URLs may not reach`));
            }
            if (range === undefined && !allowedHost(hostname)) {
              return fail(refused(`the vendor host ${hostname} is not one of this element's vendor hosts (${hostsText()})`));
            }
            addresses.push({ address, family });
          }
          const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
          const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
          if (usable.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          if (options.all) return callback(null, usable);
          return callback(null, usable[0].address, usable[0].family);
        })
        .catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          callback(Object.assign(new Error(`could not resolve ${hostname}`), { code: typeof code === 'string' ? code : 'ENOTFOUND' }), '', 0);
        })
        .finally(() => clearTimeout(timer));
    },

    refusalOf(error: unknown): Error | undefined {
      for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
        const refusal = (current as { [REFUSAL]?: Error })[REFUSAL];
        if (refusal) return refusal;
        current = (current as { cause?: unknown }).cause;
      }
      return undefined;
    },
  };
}
