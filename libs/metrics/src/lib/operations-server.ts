import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubRegistry } from './hub-metrics';
import { bearerTokenMatches, type ProcessState } from './process-state';

export interface OperationsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly state: ProcessState;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` here too. */
  readonly token?: string;
}

/**
 * HUB_METRICS_PORT: a small HTTP server of its own (loopback by default) with GET /metrics,
 * /health/live and /health/ready. The poller, which has no HTTP API, is scraped and probed here;
 * the api can use it too, to keep metrics off its public port. It starts before the app, so its
 * readiness says "starting" while the store opens and migrates.
 */
export class OperationsServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: OperationsServerOptions): Promise<OperationsServer> {
    const server = createServer((request, response) => {
      handle(options, request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return new OperationsServer(server, `http://${host}:${port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(options: OperationsServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { message: 'GET only' });
  switch (path) {
    case '/metrics':
      if (options.token && !bearerTokenMatches(options.token, request.headers.authorization)) {
        return send(response, 401, { message: 'GET /metrics needs Authorization: Bearer <HUB_METRICS_TOKEN>' }, { 'www-authenticate': 'Bearer' });
      }
      response.writeHead(200, { 'content-type': hubRegistry.contentType });
      response.end(await hubRegistry.metrics());
      return;
    case '/health/live':
      return send(response, 200, { status: 'ok', phase: options.state.phase });
    case '/health/ready': {
      const report = await options.state.readiness();
      return send(response, report.ready ? 200 : 503, { status: report.ready ? 'ok' : 'unavailable', ...report });
    }
    default:
      return send(response, 404, { message: 'not found: GET /metrics, /health/live or /health/ready' });
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}
