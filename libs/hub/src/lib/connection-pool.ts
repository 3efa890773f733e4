import type { ElementConnection, ElementDefinition, ResolvedConfiguration, VendorExchange, VendorNetwork } from '@hub/element-sdk';
import { recordVendorExchange } from '@hub/metrics';
import type { InstanceRecord } from '@hub/store';
import { LRUCache } from 'lru-cache';

/**
 * One vendor connection per instance, built on first use and reused by every call after it
 * (the vendor SDK client, its keep-alive pool). A change to the instance (its updatedDate)
 * builds a new one, so configuration changes apply at once.
 */
export class ConnectionPool {
  private readonly connections: LRUCache<string, ElementConnection>;

  constructor(
    private readonly timeoutMs: number,
    /** The hub's vendor-URL policy for an element's connections. */
    private readonly networkOf: (element: ElementDefinition) => VendorNetwork,
    max = 10_000,
  ) {
    this.connections = new LRUCache({ max });
  }

  /** `trace` is used when the connection is built; toggling trace logging changes the instance, so builds anew. */
  connectionFor(
    instance: InstanceRecord,
    element: ElementDefinition,
    configuration: ResolvedConfiguration,
    trace?: () => (exchange: VendorExchange) => void,
  ): ElementConnection {
    const key = `${instance.id}:${instance.updatedDate.getTime()}`;
    let connection = this.connections.get(key);
    if (!connection) {
      const traced = instance.traceLoggingEnabled ? trace?.() : undefined;
      // Every exchange is measured (hub_vendor_call_*); it is recorded only when trace logging is on.
      const onVendorExchange = (exchange: VendorExchange) => {
        recordVendorExchange(element.metadata.key, exchange);
        traced?.(exchange);
      };
      connection = element.connect(configuration, { timeoutMs: this.timeoutMs, onVendorExchange, vendorNetwork: this.networkOf(element) });
      this.connections.set(key, connection);
    }
    return connection;
  }

  get size(): number {
    return this.connections.size;
  }
}
