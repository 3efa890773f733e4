import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedCallback {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered. */
  readonly answered: number;
}

/**
 * A customer's callback endpoint for event deliveries, on 127.0.0.1: records every request and
 * answers 200, or what `respondWith` says (a receiver that is down, slow to recover, refusing).
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** The status to answer, decided per request (default 200). */
  respondWith: (request: { headers: IncomingHttpHeaders; body: string }) => number = () => 200;
  /** How long the receiver takes to answer (a slow receiver keeps deliveries in flight). */
  delayMs = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const body = Buffer.concat(chunks).toString('utf8');
      const status = this.respondWith({ headers: req.headers, body });
      this.received.push({ at: Date.now(), headers: req.headers, body, answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      this.notify();
    });
  });

  static async start(): Promise<CallbackReceiver> {
    const receiver = new CallbackReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
  }

  /** The bodies of the requests answered 2xx, parsed. */
  delivered<T = { message: { eventId: string; events: { objectId: string; eventType: string }[] } }>(): T[] {
    return this.received.filter((r) => r.answered < 300).map((r) => JSON.parse(r.body) as T);
  }

  /** Resolves once `count` requests were answered 2xx, or rejects after `timeoutMs`. */
  waitForDelivered(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.delivered().length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} delivered callback(s) within ${timeoutMs} ms, got ${this.delivered().length}`)),
        timeoutMs,
      );
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    const have = this.delivered().length;
    this.waiters = this.waiters.filter((w) => (have >= w.count ? (w.resolve(), false) : true));
  }
}
