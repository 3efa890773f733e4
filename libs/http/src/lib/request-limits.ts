import { BadRequestError, ApiError } from '@hub/element-sdk';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * What one request may carry, checked while its body streams in, before JSON.parse, validation or
 * any store work: a body that is too large, too deep or has too many keys is refused on the byte
 * that crosses the limit. Large JSON used to hold the event loop for tens of seconds (issue 13).
 */
export interface BodyLimits {
  /** Bytes of the body. */
  readonly maxBytes: number;
  /** Nested objects and arrays. */
  readonly maxDepth: number;
  /** Object members plus array elements (JSON), or fields (form bodies). */
  readonly maxKeys: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Platform and admin routes: an instance, a definition or a transformation is a few KiB. */
export const DEFAULT_BODY_LIMITS: BodyLimits = Object.freeze({ maxBytes: 1 * MiB, maxDepth: 32, maxKeys: 5_000 });

/** Per route prefix, first match wins (paths as Fastify registers them, the API prefix included). */
export const ROUTE_BODY_LIMITS: readonly (readonly [string, BodyLimits])[] = Object.freeze([
  // Hub calls go on to the vendor: the old platform's payload limit.
  ['/elements/api-v2/hubs/', Object.freeze({ maxBytes: 8 * MiB, maxDepth: 32, maxKeys: 20_000 })],
  // Unauthenticated: a username and a password.
  ['/elements/api-v2/authentication', Object.freeze({ maxBytes: 16 * KiB, maxDepth: 4, maxKeys: 20 })],
  // Vendor webhooks (form bodies from Twilio).
  ['/elements/api-v2/events/', Object.freeze({ maxBytes: 1 * MiB, maxDepth: 8, maxKeys: 1_000 })],
]);

export function bodyLimitsOf(url: string): BodyLimits {
  return ROUTE_BODY_LIMITS.find(([prefix]) => url.startsWith(prefix))?.[1] ?? DEFAULT_BODY_LIMITS;
}

/** When the event loop is this late, requests other than probes and metrics answer 503. */
export const MAX_EVENT_LOOP_DELAY_MS = 1_000;

/** How often the guard samples the event loop's delay. */
const GUARD_SAMPLE_MS = 1_000;

/** Paths the overload guard never refuses: probes must tell an orchestrator what is going on. */
export const isProbePath = (url: string): boolean => /^\/(health|metrics)(\/|\?|$)/.test(url) || /^\/health[\w-]*(\?|$)/.test(url);

export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super(413, message);
  }
}

/**
 * Counts structure while bytes go by: depth of `{`/`[`, and keys (`:` and `,` outside strings, so
 * members and elements). Structural bytes are ASCII, so UTF-8 multibyte characters never look like
 * them. Not a JSON validator: JSON.parse still decides what is JSON, only after the limits hold.
 */
export class JsonShapeScanner {
  private depth = 0;
  private keys = 0;
  private inString = false;
  private escaped = false;
  private bytes = 0;

  constructor(private readonly limits: BodyLimits) {}

  /** The problem with the body so far, if any. */
  feed(chunk: Uint8Array): ApiError | undefined {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) return tooLarge(this.limits);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c /* \ */) this.escaped = true;
        else if (b === 0x22 /* " */) this.inString = false;
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b /* { */ || b === 0x5b /* [ */) {
        if (++this.depth > this.limits.maxDepth) {
          return new BadRequestError(`Request body nests objects and arrays more than ${this.limits.maxDepth} deep`);
        }
      } else if (b === 0x7d /* } */ || b === 0x5d /* ] */) this.depth--;
      else if (b === 0x3a /* : */ || b === 0x2c /* , */) {
        if (++this.keys > this.limits.maxKeys) {
          return new BadRequestError(`Request body has more than ${this.limits.maxKeys} keys and array elements`);
        }
      }
    }
    return undefined;
  }
}

/** Form bodies: only size and the number of fields matter. */
class FormShapeScanner {
  private bytes = 0;
  private fields = 0;
  constructor(private readonly limits: BodyLimits) {}
  feed(chunk: Uint8Array): ApiError | undefined {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) return tooLarge(this.limits);
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x26 /* & */ && ++this.fields > this.limits.maxKeys) {
        return new BadRequestError(`Request body has more than ${this.limits.maxKeys} fields`);
      }
    }
    return undefined;
  }
}

const tooLarge = (limits: BodyLimits) =>
  new PayloadTooLargeError(`Request body is larger than this route's limit of ${limits.maxBytes >= MiB ? `${limits.maxBytes / MiB} MiB` : `${limits.maxBytes / KiB} KiB`}`);

function scannerFor(request: FastifyRequest): { feed(chunk: Uint8Array): ApiError | undefined } | undefined {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  const limits = bodyLimitsOf(request.url);
  if (/\bjson\b/.test(type)) return new JsonShapeScanner(limits);
  if (type.startsWith('application/x-www-form-urlencoded')) return new FormShapeScanner(limits);
  return undefined;
}

const NUL = '\u0000';

/**
 * The first string with a NUL character (U+0000) in a parsed body or query, by its field path:
 * no store keeps one (PostgreSQL refuses it in text and jsonb), so it is a 400 naming the field,
 * not a 500 from the database. Walks iteratively (the body's depth and size are already bounded).
 */
export function fieldWithNul(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  let visited = 0;
  while (stack.length > 0 && visited++ < 100_000) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (current.includes(NUL)) return path;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const childPath = Array.isArray(current) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        if (key.includes(NUL)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/** Sends an error in the hub's body before any route runs. */
function refuse(reply: { status(code: number): unknown; header(name: string, value: string): unknown; send(body: unknown): unknown }, request: FastifyRequest, error: ApiError): void {
  reply.status(error.status);
  reply.header('connection', 'close');
  reply.send({ requestId: String(request.id), message: error.message });
}

const seenRoutes = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every route registered after the limits (Fastify's path syntax): what the hostile-input suite walks. */
export function routesOf(fastify: FastifyInstance): readonly { readonly method: string; readonly url: string }[] {
  return seenRoutes.get(fastify) ?? [];
}

/**
 * Registers the request limits on the api's Fastify instance: body size, depth and keys per route
 * (checked as the body streams in), NUL characters refused by field, and the overload guard that
 * answers 503 (Retry-After) while the event loop lags, sparing /health… and /metrics.
 */
export async function registerRequestLimits(fastify: FastifyInstance, options: { maxEventLoopDelayMs?: number } = {}): Promise<void> {
  const maxEventLoopDelay = options.maxEventLoopDelayMs ?? MAX_EVENT_LOOP_DELAY_MS;
  const routes: { method: string; url: string }[] = [];
  seenRoutes.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? route.path });
    // Fastify's own limit, per route, as a backstop of the scanner (chunked bodies included).
    route.bodyLimit = Math.min(route.bodyLimit ?? Infinity, bodyLimitsOf(route.url ?? route.path).maxBytes);
  });

  fastify.addHook('preParsing', async (request, reply, payload) => {
    const scanner = scannerFor(request);
    if (!scanner) return payload;
    const declared = Number(request.headers['content-length']);
    const limits = bodyLimitsOf(request.url);
    if (declared > limits.maxBytes) throw tooLarge(limits);
    const checked = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
        const problem = scanner.feed(chunk);
        if (problem) done(Object.assign(problem, { statusCode: problem.status }));
        else done(null, chunk);
      },
    });
    payload.on('error', (error) => checked.destroy(error));
    return payload.pipe(checked);
  });

  fastify.addHook('preValidation', async (request, reply) => {
    const field = fieldWithNul(request.query, '') ?? fieldWithNul(request.body, '');
    if (field !== undefined) {
      refuse(reply, request, new BadRequestError(`'${field || 'body'}' must not contain a NUL character (U+0000)`));
      return reply;
    }
    return undefined;
  });

  if (maxEventLoopDelay <= 0) return;
  // Start-up work (migrations, module init) blocks the loop before the hub serves anything: the
  // guard arms two samples after the server is ready, so that is not taken for overload.
  let armedAt = Infinity;
  fastify.addHook('onReady', async () => {
    armedAt = Date.now() + 2 * GUARD_SAMPLE_MS;
  });
  await fastify.register(underPressure, {
    maxEventLoopDelay,
    sampleInterval: GUARD_SAMPLE_MS,
    retryAfter: 1,
    exposeStatusRoute: false,
    pressureHandler: (request, reply, type, value) => {
      if (isProbePath(request.url) || Date.now() < armedAt) return undefined;
      request.log.warn({ type, value }, 'overloaded: answering 503');
      // Sent here, as under-pressure documents: the request then goes no further.
      void reply
        .status(503)
        .header('retry-after', '1')
        .send({ requestId: String(request.id), message: 'The hub is overloaded right now; try again in a second' });
    },
  });
}
