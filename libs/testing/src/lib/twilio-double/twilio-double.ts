import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CatalogState } from './catalog-state';
import { type ClockMode, DoubleClock } from './clock';
import { type FaultSpec, FaultQueue } from './faults';
import {
  BodyTooLargeError,
  type JsonObject,
  asObject,
  decodeParams,
  oneOf,
  optBoolean,
  optNumber,
  optString,
  optStringArray,
  parseBasicAuth,
  readBody,
  reqString,
  sendJson,
} from './http-util';
import { readPageParams } from './paging';
import { SidFactory } from './sids';
import { API_PREFIX, DEFAULT_PROGRESSION, DoubleState, type Params, single } from './state';
import { TwilioApiError, TwilioErrors, defaultFaultError, errorBody } from './twilio-format';
import type {
  AccountCredentials,
  AccountStatus,
  AccountType,
  AddAccountOptions,
  AddInboundMessageOptions,
  MessageDirection,
  MessageStatus,
  RecipientOutcome,
  RequestLogEntry,
  SeedMessagesOptions,
  StatusProgression,
  TwilioAccountJson,
  TwilioMessageJson,
} from './types';

export interface TwilioDoubleOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback: the double never listens on a public interface. */
  host?: '127.0.0.1';
  /** `manual` (default): time moves only through advance/setNow. `system`: wall clock plus any shift. */
  clock?: ClockMode;
  /** Start time of the clock (default 2024-01-01T00:00:00Z for a manual clock, now for a system clock). */
  now?: Date | string | number;
  /** Seed of the deterministic SID generator (default 'twilio-double'). */
  seed?: string;
  /** Status-progression offsets; see StatusProgression (defaults 1 s / 2 s / 5 s). */
  progression?: Partial<StatusProgression>;
  /** Entries kept in `requests` (oldest dropped first). Default 10 000. */
  maxRequestLog?: number;
  /** Called after every Twilio API request (the bin prints these to stderr). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Called after every /__double/* control request. */
  onControlRequest?: (method: string, path: string, status: number) => void;
  /** Serve the /__double/* control endpoints (clock, faults, seeding, request log). Default true. */
  controlApi?: boolean;
}

const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
];
const DIRECTIONS: readonly MessageDirection[] = [
  'inbound',
  'outbound-api',
  'outbound-call',
  'outbound-reply',
];
const ACCOUNT_STATUSES: readonly AccountStatus[] = ['active', 'suspended', 'closed'];
const ACCOUNT_TYPES: readonly AccountType[] = ['Trial', 'Full'];

const ROUTES = {
  accounts: new RegExp(`^${API_PREFIX}/Accounts\\.json$`),
  account: new RegExp(`^${API_PREFIX}/Accounts/([^/]+)\\.json$`),
  messages: new RegExp(`^${API_PREFIX}/Accounts/([^/]+)/Messages\\.json$`),
  message: new RegExp(`^${API_PREFIX}/Accounts/([^/]+)/Messages/([^/]+)\\.json$`),
  mediaList: new RegExp(`^${API_PREFIX}/Accounts/([^/]+)/Messages/([^/]+)/Media\\.json$`),
  media: new RegExp(`^${API_PREFIX}/Accounts/([^/]+)/Messages/([^/]+)/Media/([^/]+)\\.json$`),
  anyAccountPath: new RegExp(`^${API_PREFIX}/Accounts/([^/.]+)(?:[/.]|$)`),
} as const;

const CONTROL_PREFIX = '/__double';

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A stateful, deterministic stand-in for Twilio's REST API 2010-04-01 (Accounts, Messages, Media),
 * served over real HTTP on 127.0.0.1 so the real `twilio` library (with `client.api.baseUrl`
 * pointed at `baseUrl`) or any HTTP client can talk to it.
 *
 * - Auth: HTTP Basic on every call (Account SID : auth token). Missing or wrong credentials, a closed
 *   account, or credentials of an account that neither is nor owns the account in the path → 401/20003.
 * - Status progression (defaults, configurable): an outbound message is `queued` (`accepted` when sent
 *   through a Messaging Service without From) from creation, `sending` from +1 s, `sent` from +2 s
 *   (date_sent and price set), `delivered` from +5 s; date_updated is the time of the last change.
 *   A scheduled message (ScheduleType=fixed + SendAt + MessagingServiceSid) is `scheduled` until SendAt
 *   and then progresses from there. Time is the double's clock: manual by default (advance/setNow).
 * - Lists are newest first (date_sent, else date_created; ties: the later-created first) and page like
 *   Twilio: PageSize 1–1000 (default 50), next_page_uri `…&Page=n+1&PageToken=PA<last sid>`,
 *   previous_page_uri `…&PageToken=PB<first sid>`, next_page_uri null on the last page.
 * - Faults (`faults.next`) are applied before authentication, first matching fault first.
 */
export class TwilioDouble {
  readonly baseUrl: string;
  /** `${baseUrl}/2010-04-01/Accounts`: the form in which the hub's instances name their Twilio host. */
  readonly accountsUrl: string;
  readonly port: number;
  readonly clock: DoubleClock;
  /** Faults for the next requests: `double.faults.next({ status: 429, retryAfter: 1 })`. */
  readonly faults = new FaultQueue();
  readonly progression: StatusProgression;

  private readonly state: DoubleState;
  /** Addresses, numbers, usage and calls (see catalog-state.ts). */
  private readonly catalog: CatalogState;
  private readonly sids: SidFactory;
  private readonly log: RequestLogEntry[] = [];
  private readonly maxRequestLog: number;
  private readonly onRequest: ((entry: RequestLogEntry) => void) | undefined;
  private readonly onControlRequest: ((method: string, path: string, status: number) => void) | undefined;
  private readonly controlApi: boolean;
  /** Pending fault delays, ended early by stop(). */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private seq = 0;
  private stopped = false;

  private constructor(
    private readonly server: Server,
    options: TwilioDoubleOptions,
    clock: DoubleClock,
  ) {
    const address = server.address() as AddressInfo;
    this.port = address.port;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    this.accountsUrl = `${this.baseUrl}${API_PREFIX}/Accounts`;
    this.clock = clock;
    this.progression = { ...DEFAULT_PROGRESSION, ...options.progression };
    this.sids = new SidFactory(options.seed ?? 'twilio-double');
    this.state = new DoubleState(clock, this.sids, this.progression);
    this.catalog = new CatalogState(clock, this.sids, (accountSid) => {
      const messages = this.state.allMessages(accountSid);
      const inbound = messages.filter((m) => m.direction === 'inbound').length;
      return { inbound, outbound: messages.length - inbound };
    });
    this.maxRequestLog = options.maxRequestLog ?? 10_000;
    this.onRequest = options.onRequest;
    this.onControlRequest = options.onControlRequest;
    this.controlApi = options.controlApi ?? true;
  }

  static async start(options: TwilioDoubleOptions = {}): Promise<TwilioDouble> {
    const host = options.host ?? '127.0.0.1';
    if (host !== '127.0.0.1') {
      throw new TypeError(`The Twilio double listens on 127.0.0.1 only, not ${String(host)}`);
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new TypeError(`Invalid port: ${port}`);
    }
    const mode = options.clock ?? 'manual';
    const clock = new DoubleClock(mode, options.now ?? (mode === 'system' ? Date.now() : undefined));
    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
      res.statusCode = 503;
      res.end();
    };
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const double = new TwilioDouble(server, options, clock);
    handler = (req, res) => void double.handle(req, res);
    return double;
  }

  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- seeding and inspection -----------------------------------------------------------------

  /** Adds an account; SID and token are generated (deterministically) when not given. */
  addAccount(options: AddAccountOptions = {}): AccountCredentials {
    return this.state.addAccount(options);
  }

  getAccount(sid: string): TwilioAccountJson | undefined {
    return this.state.accountJson(sid);
  }

  /** An inbound message (direction inbound, status received, date_sent now). */
  addInboundMessage(options: AddInboundMessageOptions): TwilioMessageJson {
    return this.state.addInboundMessage(options);
  }

  /** `count` finished messages with distinct date_sent (oldest first in the returned array). */
  seedMessages(accountSid: string, count: number, options: SeedMessagesOptions = {}): TwilioMessageJson[] {
    return this.state.seedMessages(accountSid, count, options);
  }

  /** Twilio's JSON for a message, brought up to the clock. */
  getMessage(sid: string): TwilioMessageJson | undefined {
    return this.state.messageJson(sid);
  }

  /** All messages (of one account, if given), newest first, as Twilio's JSON. */
  listMessages(accountSid?: string): TwilioMessageJson[] {
    return this.state.allMessages(accountSid);
  }

  /** Forces a message's status (e.g. `undelivered` with error 30003); it then stops progressing. */
  setMessageStatus(
    sid: string,
    status: MessageStatus,
    error?: { errorCode: number; errorMessage?: string },
  ): TwilioMessageJson {
    return this.state.setMessageStatus(sid, status, error);
  }

  /** Messages from this account to `to` are refused with 21610 (recipient unsubscribed). */
  addOptOut(accountSid: string, to: string): void {
    this.state.addOptOut(accountSid, to);
  }

  /** New messages to `to` end `failed` or `undelivered` with this error code (null removes the rule). */
  setRecipientOutcome(to: string, outcome: RecipientOutcome | null): void {
    this.state.setRecipientOutcome(to, outcome);
  }

  /** The double's current time. */
  now(): Date {
    return this.clock.now();
  }

  advance(ms: number): Date {
    return this.clock.advance(ms);
  }

  setNow(date: Date | string | number): Date {
    return this.clock.set(date);
  }

  /** A snapshot of the Twilio API requests seen since start or the last resetRequests (newest last). */
  get requests(): readonly RequestLogEntry[] {
    return [...this.log];
  }

  /** Twilio API requests since start (resetRequests does not reset it). */
  get requestCount(): number {
    return this.seq;
  }

  resetRequests(): void {
    this.log.length = 0;
  }

  /** Forgets messages, media, opt-outs, outcome rules, queued faults and the request log; keeps accounts. */
  reset(): void {
    this.state.clearMessages();
    this.faults.clear();
    this.resetRequests();
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.controlApi && (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))) {
      await this.handleControl(req, res, method, path, url.searchParams);
      return;
    }
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      method,
      path,
      query: decodeParams(url.search),
      params: {},
      accountSid: ROUTES.anyAccountPath.exec(path)?.[1] ?? null,
      status: 0,
      errorCode: null,
      time: this.clock.now(),
      durationMs: 0,
      fault: null,
    };
    let answer: Answer;
    try {
      const raw = await readBody(req);
      entry.params = decodeParams(raw);
      const fault = this.faults.take(method, path);
      if (fault?.delayMs !== undefined && fault.delayMs > 0) {
        entry.fault = 'delay';
        await this.sleep(fault.delayMs);
        if (this.stopped) {
          return;
        }
      }
      if (fault?.reset) {
        entry.fault = 'reset';
        req.socket.destroy();
        this.record(entry, started);
        return;
      }
      if (fault?.status !== undefined) {
        entry.fault = 'status';
        answer = this.faultAnswer(fault);
      } else {
        answer = this.route(req, method, path, entry);
      }
    } catch (error) {
      answer = errorAnswer(error);
    }
    entry.status = answer.status;
    if (answer.status >= 400 && isErrorBody(answer.body)) {
      entry.errorCode = answer.body.code;
    }
    sendJson(res, answer.status, answer.body, {
      'Twilio-Request-Id': this.sids.next('RQ'),
      ...answer.headers,
    });
    this.record(entry, started);
  }

  private record(entry: RequestLogEntry, started: number): void {
    entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
    this.log.push(entry);
    if (this.log.length > this.maxRequestLog) {
      this.log.splice(0, this.log.length - this.maxRequestLog);
    }
    try {
      this.onRequest?.(entry);
    } catch {
      // a failing listener must not break the double
    }
  }

  private faultAnswer(fault: FaultSpec): Answer {
    const status = fault.status ?? 500;
    const defaults = defaultFaultError(status);
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) {
      headers['Retry-After'] = String(fault.retryAfter);
    }
    return {
      status,
      body: errorBody(status, fault.code ?? defaults.code, fault.message ?? defaults.message),
      headers,
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Authenticates, authorises the account in the path, then serves the resource. */
  private route(req: IncomingMessage, method: string, path: string, entry: RequestLogEntry): Answer {
    const credentials = parseBasicAuth(req.headers.authorization);
    const pathAccount = ROUTES.anyAccountPath.exec(path)?.[1];
    entry.accountSid = pathAccount ?? credentials?.username ?? null;
    if (!credentials || !this.state.authenticate(credentials.username, credentials.password)) {
      throw TwilioErrors.authenticate();
    }
    const authSid = credentials.username;
    if (pathAccount !== undefined && !this.state.canAccess(authSid, pathAccount)) {
      // Twilio answers 401/20003 when the credentials do not cover the account in the URL.
      throw TwilioErrors.authenticate();
    }
    const query = entry.query;
    const params = entry.params;
    let m: RegExpExecArray | null;

    if (ROUTES.accounts.test(path)) {
      if (method === 'GET') {
        return ok(this.state.listAccounts(authSid, query, readPageParams(singleValues(query))));
      }
      if (method === 'POST') {
        return { status: 201, body: this.state.createSubaccount(authSid, params) };
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = ROUTES.account.exec(path))) {
      const sid = m[1];
      if (method === 'GET') {
        return ok(this.state.accountJson(sid) ?? notFound(path));
      }
      if (method === 'POST') {
        return ok(this.state.updateAccount(sid, params));
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = ROUTES.messages.exec(path))) {
      const accountSid = m[1];
      if (method === 'GET') {
        return ok(this.state.listMessages(accountSid, query, readPageParams(singleValues(query))));
      }
      if (method === 'POST') {
        return { status: 201, body: this.state.createMessage(accountSid, params) };
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = ROUTES.message.exec(path))) {
      const [, accountSid, sid] = m;
      if (method === 'GET') {
        return ok(this.state.findMessage(accountSid, sid) ?? notFound(path));
      }
      if (method === 'POST') {
        return ok(this.state.updateMessage(accountSid, sid, params) ?? notFound(path));
      }
      if (method === 'DELETE') {
        return this.state.deleteMessage(accountSid, sid) ? { status: 204 } : notFound(path);
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = ROUTES.mediaList.exec(path))) {
      const [, accountSid, messageSid] = m;
      if (method === 'GET') {
        return ok(
          this.state.listMedia(accountSid, messageSid, query, readPageParams(singleValues(query))) ??
            notFound(path),
        );
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = ROUTES.media.exec(path))) {
      const [, accountSid, messageSid, sid] = m;
      if (method === 'GET') {
        return ok(this.state.findMedia(accountSid, messageSid, sid) ?? notFound(path));
      }
      if (method === 'DELETE') {
        return this.state.deleteMedia(accountSid, messageSid, sid) ? { status: 204 } : notFound(path);
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    const answer = pathAccount === undefined ? undefined : this.catalog.route(method, path, pathAccount, query, params);
    return answer ?? notFound(path);
  }

  // ---- control endpoints (/__double/*) ------------------------------------------------------------

  /**
   * Lets a test that runs the double as a separate process steer it over HTTP (JSON in, JSON out):
   *   GET    /__double/health                       {"ok":true}
   *   GET    /__double/requests                     {"requestCount":n,"requests":[…]}
   *   DELETE /__double/requests
   *   GET    /__double/clock                        {"now":"…"}
   *   POST   /__double/clock                        {"advanceMs":6000} or {"now":"2024-05-01T00:00:00Z"}
   *   POST   /__double/faults                       a FaultSpec (path as a glob string)
   *   DELETE /__double/faults
   *   POST   /__double/accounts                     AddAccountOptions → {"sid","authToken"}
   *   GET    /__double/messages[?accountSid=AC…]    {"messages":[…]}
   *   POST   /__double/messages/inbound             AddInboundMessageOptions → message
   *   POST   /__double/messages/seed                {"accountSid","count",…SeedMessagesOptions} → {"sids":[…]}
   *   POST   /__double/messages/{Sid}/status        {"status","errorCode"?,"errorMessage"?} → message
   *   POST   /__double/opt-outs                     {"accountSid","to"}
   *   POST   /__double/reset                        forget messages, faults and the request log
   * Not authenticated (the double only listens on 127.0.0.1) and not recorded in `requests`.
   */
  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    search: URLSearchParams,
  ): Promise<void> {
    const route = `${method} ${path.slice(CONTROL_PREFIX.length) || '/'}`;
    try {
      const raw = await readBody(req);
      const body = (): JsonObject => asObject(raw.trim() === '' ? {} : (JSON.parse(raw) as unknown));
      const statusRoute = /^POST \/messages\/([^/]+)\/status$/.exec(route);
      let result: unknown;
      if (statusRoute) {
        const b = body();
        const status = oneOf(reqString(b, 'status'), MESSAGE_STATUSES, 'status') as MessageStatus;
        const errorCode = optNumber(b, 'errorCode');
        result = this.setMessageStatus(
          statusRoute[1],
          status,
          errorCode === undefined ? undefined : { errorCode, errorMessage: optString(b, 'errorMessage') },
        );
      } else {
        result = this.control(route, body, search);
      }
      this.logControl(method, path, 200);
      sendJson(res, 200, result ?? { ok: true });
    } catch (error) {
      const status = error instanceof ControlNotFound ? 404 : error instanceof BodyTooLargeError ? 413 : 400;
      this.logControl(method, path, status);
      sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private control(route: string, body: () => JsonObject, search: URLSearchParams): unknown {
    switch (route) {
      case 'GET /':
      case 'GET /health':
        return {
          ok: true,
          baseUrl: this.baseUrl,
          accountsUrl: this.accountsUrl,
          now: this.now().toISOString(),
        };
      case 'GET /requests':
        return { requestCount: this.requestCount, requests: this.requests };
      case 'DELETE /requests':
        this.resetRequests();
        return undefined;
      case 'GET /clock':
        return { now: this.now().toISOString(), mode: this.clock.mode };
      case 'POST /clock': {
        const b = body();
        const advanceMs = optNumber(b, 'advanceMs');
        const now = optString(b, 'now');
        if (now !== undefined) {
          this.setNow(now);
        }
        if (advanceMs !== undefined) {
          this.advance(advanceMs);
        }
        return { now: this.now().toISOString(), mode: this.clock.mode };
      }
      case 'POST /faults': {
        const b = body();
        this.faults.next({
          status: optNumber(b, 'status'),
          code: optNumber(b, 'code'),
          message: optString(b, 'message'),
          retryAfter: optNumber(b, 'retryAfter'),
          delayMs: optNumber(b, 'delayMs'),
          reset: optBoolean(b, 'reset'),
          path: optString(b, 'path'),
          method: optString(b, 'method'),
          times: optNumber(b, 'times'),
        });
        return { pending: this.faults.pending };
      }
      case 'DELETE /faults':
        this.faults.clear();
        return { pending: 0 };
      case 'POST /accounts': {
        const b = body();
        return this.addAccount({
          sid: optString(b, 'sid'),
          authToken: optString(b, 'authToken'),
          friendlyName: optString(b, 'friendlyName'),
          status: oneOf(optString(b, 'status'), ACCOUNT_STATUSES, 'status'),
          type: oneOf(optString(b, 'type'), ACCOUNT_TYPES, 'type'),
          ownerAccountSid: optString(b, 'ownerAccountSid'),
        });
      }
      case 'GET /messages':
        return { messages: this.listMessages(search.get('accountSid') ?? undefined) };
      case 'POST /messages/inbound': {
        const b = body();
        return this.addInboundMessage({
          accountSid: reqString(b, 'accountSid'),
          from: reqString(b, 'from'),
          to: reqString(b, 'to'),
          body: reqString(b, 'body'),
          mediaUrls: optStringArray(b, 'mediaUrls'),
          messagingServiceSid: optString(b, 'messagingServiceSid'),
        });
      }
      case 'POST /messages/seed': {
        const b = body();
        const count = optNumber(b, 'count');
        if (count === undefined) {
          throw new TypeError('count is required');
        }
        const seeded = this.seedMessages(reqString(b, 'accountSid'), count, {
          from: optString(b, 'from'),
          to: optString(b, 'to'),
          body: optString(b, 'body'),
          direction: oneOf(optString(b, 'direction'), DIRECTIONS, 'direction'),
          status: oneOf(optString(b, 'status'), MESSAGE_STATUSES, 'status'),
          start: optString(b, 'start'),
          intervalMs: optNumber(b, 'intervalMs'),
        });
        return { count: seeded.length, sids: seeded.map((m) => m.sid) };
      }
      case 'POST /opt-outs': {
        const b = body();
        this.addOptOut(reqString(b, 'accountSid'), reqString(b, 'to'));
        return undefined;
      }
      case 'POST /reset':
        this.reset();
        return undefined;
      default:
        throw new ControlNotFound(`No control endpoint ${route}`);
    }
  }

  private logControl(method: string, path: string, status: number): void {
    try {
      this.onControlRequest?.(method, path, status);
    } catch {
      // a failing listener must not break the double
    }
  }
}

class ControlNotFound extends Error {}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function notFound(path: string): never {
  throw TwilioErrors.notFound(path);
}

function singleValues(query: Params): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(query)) {
    out[key] = single(query, key);
  }
  return out;
}

function errorAnswer(error: unknown): Answer {
  if (error instanceof TwilioApiError) {
    return { status: error.status, body: error.toBody(), headers: error.headers };
  }
  if (error instanceof BodyTooLargeError) {
    return { status: 413, body: errorBody(413, 20413, error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: errorBody(500, 20500, `Internal Server Error: ${message}`) };
}

function isErrorBody(body: unknown): body is { code: number } {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'number';
}
