import { BadRequestError } from '@hub/element-sdk';
import { createHash } from 'node:crypto';

export interface Sealer {
  seal(value: string, context: string): string;
  open(envelope: string, context: string): string;
}

/**
 * The hub's `nextPage` tokens: the vendor's cursor, sealed (AES-256-GCM) with a context made of
 * the instance and the query. Opaque to clients, tamper-evident, and refused for another instance
 * or another query. Sealed with the hub's key, they survive restarts and work on every replica.
 */
export class PageTokens {
  constructor(private readonly sealer: Sealer) {}

  issue(instanceId: number, query: QueryIdentity, vendorCursor: string): string {
    return this.sealer.seal(vendorCursor, context(instanceId, query));
  }

  redeem(instanceId: number, query: QueryIdentity, token: string): string {
    try {
      return this.sealer.open(token, context(instanceId, query));
    } catch {
      throw new BadRequestError(
        'nextPage is not a page token of this instance and query: pass the Elements-Next-Page-Token of the previous page, with the same resource, filters and pageSize',
      );
    }
  }
}

/** What a page token is bound to: the resource path and every query parameter but the paging ones. */
export interface QueryIdentity {
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly pageSize: number;
}

function context(instanceId: number, identity: QueryIdentity): string {
  const normalized = Object.entries(identity.query)
    .map(([k, v]) => [k, Array.isArray(v) ? [...v] : v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash('sha256')
    .update(JSON.stringify([identity.path, identity.pageSize, normalized]))
    .digest('base64url');
  return `page-token:${instanceId}:${digest}`;
}
