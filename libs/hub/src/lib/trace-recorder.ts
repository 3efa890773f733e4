import type { VendorExchange } from '@hub/element-sdk';
import type { Store, Tenant, TraceEntry } from '@hub/store';
import { Logger } from '@nestjs/common';

export const TRACE_BODY_LIMIT = 4_096;
const REDACTED = '[redacted]';
/**
 * Field names that hold credentials in vendor JSON and forms (Twilio's account JSON carries auth_token;
 * a call may be placed with a SipAuthPassword, which clients can now send).
 */
const SECRET_FIELD = /^(auth_?token|\w*password|secret|client_?secret|api_?key|access_?token|refresh_?token|token)$/i;

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELD.test(k) && v !== null ? REDACTED : redactJson(v)]),
    );
  }
  return value;
}

/** Removes secrets from a body: secret-looking fields, then any configured secret value wherever it appears. */
export function redactBody(body: string | undefined, secrets: readonly string[]): string | undefined {
  if (body === undefined || body === '') return body;
  try {
    return truncate(redactValues(JSON.stringify(redactJson(JSON.parse(body))), secrets));
  } catch {
    // not JSON
  }
  if (body.includes('=') && !/\s/.test(body)) {
    // A form: judge each field by its name and its decoded value (spaces may be '+' or '%20').
    const form = new URLSearchParams(body);
    const redacted = new URLSearchParams();
    for (const [key, value] of form) redacted.append(key, SECRET_FIELD.test(key) ? REDACTED : redactValues(value, secrets));
    return truncate(redacted.toString());
  }
  return truncate(redactValues(body, secrets));
}

function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(REDACTED).split(encodeURIComponent(secret)).join(REDACTED);
  }
  return out;
}

function truncate(text: string): string {
  return text.length <= TRACE_BODY_LIMIT ? text : `${text.slice(0, TRACE_BODY_LIMIT)}…[${text.length - TRACE_BODY_LIMIT} more characters]`;
}

/**
 * traceLoggingEnabled: records each vendor exchange of an instance, secrets redacted, bodies
 * truncated, without slowing the call down, and keeps the instance's traces within their retention.
 * Entries are queued and written off the request path, batched: what was queued within one turn of the
 * event loop, or while the previous write was in flight, goes in one statement (in order).
 */
export class TraceRecorder {
  private readonly logger = new Logger('TraceRecorder');
  private readonly writes = new Map<number, number>();
  private queue: { tenant: Tenant; instanceId: number; entry: TraceEntry }[] = [];
  private scheduled = false;
  private flushing?: Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly pruneEvery = 50,
  ) {}

  hookFor(tenant: Tenant, instanceId: number, secrets: readonly string[]): (exchange: VendorExchange) => void {
    return (exchange) => {
      const entry: TraceEntry = {
        method: exchange.method,
        url: redactValues(exchange.url, secrets),
        status: exchange.status,
        durationMs: exchange.durationMs,
        requestBody: redactBody(exchange.requestBody, secrets),
        responseBody: redactBody(exchange.responseBody, secrets),
        error: exchange.error === undefined ? undefined : redactValues(exchange.error, secrets),
      };
      this.write(tenant, instanceId, entry);
    };
  }

  /**
   * A hub call that ignored parameters (not in strict mode): an entry of its own, with the hub's path
   * (not a vendor URL), no status, and the Elements-Warning it answered. Recorded before the vendor call.
   */
  recordWarning(tenant: Tenant, instanceId: number, method: string, hubPath: string, warning: string, secrets: readonly string[]): void {
    this.write(tenant, instanceId, { method, url: redactValues(hubPath, secrets), durationMs: 0, warning: redactValues(warning, secrets) });
  }

  private write(tenant: Tenant, instanceId: number, entry: TraceEntry): void {
    this.queue.push({ tenant, instanceId, entry });
    this.schedule();
  }

  /** Resolves once everything queued so far is written (for tests and shutdown). */
  async flushed(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      await this.store.traces.recordMany(batch);
    } catch (error) {
      this.logger.warn({ entries: batch.length, err: error }, 'could not record vendor traces');
      return;
    }
    for (const { tenant, instanceId } of batch) {
      const count = (this.writes.get(instanceId) ?? 0) + 1;
      this.writes.set(instanceId, count % this.pruneEvery);
      if (count % this.pruneEvery !== 0) continue;
      try {
        await this.store.traces.prune(tenant, instanceId);
      } catch (error) {
        this.logger.warn({ instanceId, err: error }, 'could not prune vendor traces');
      }
    }
  }
}
