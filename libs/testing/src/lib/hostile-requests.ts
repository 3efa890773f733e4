/**
 * The hostile-input battery (issue 13): requests a hostile tenant would send, over every route the
 * hub documents plus the hub-call routes, and the cases the probe found, as regressions. The
 * integration suite runs it in-process (fast-check, with shrinking); `npm run fuzz` sends the same
 * requests to the built api over HTTP. Every answer must be below 500 and within a time bound, and
 * no row may change: requests that could change something always carry a field every route refuses,
 * and path ids that would name the tenant's own instance are used only with GET.
 */
import fc from 'fast-check';

export interface HostileRequest {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body (JSON text unless a content-type header says otherwise). */
  readonly body?: string;
  /** What it is, for reports. */
  readonly label: string;
}

export interface HostileRoute {
  readonly method: string;
  /** As documented: `/elements/api-v2/instances/{id}`. */
  readonly path: string;
  /** Query parameters the route documents. */
  readonly query: readonly string[];
}

export interface BatteryContext {
  readonly routes: readonly HostileRoute[];
  /** Authorization values: the tenant's own (platform and hub), another tenant's, and nonsense. */
  readonly authorizations: readonly string[];
  /** The tenant's own ids by path parameter name, used only with GET. */
  readonly ownIds: Readonly<Record<string, string>>;
  /** The tenant's `User …, Organization …` and `User …, Organization …, Element …`, for the regressions. */
  readonly platform: string;
  readonly hub: string;
  readonly instanceId: string;
}

const API = '/elements/api-v2';
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The documented routes of an OpenAPI document (GET /elements/api-v2/docs), plus the hub-call routes. */
export function documentedRoutes(document: { paths?: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> }): HostileRoute[] {
  const routes: HostileRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      routes.push({ method: method.toUpperCase(), path, query });
    }
  }
  const hubQuery = ['where', 'orderBy', 'pageSize', 'page', 'nextPage', 'fields'];
  for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
    routes.push({ method, path: `${API}/hubs/messaging/messages`, query: hubQuery });
    routes.push({ method, path: `${API}/hubs/messaging/messages/{sid}`, query: hubQuery });
    routes.push({ method, path: `${API}/hubs/messaging/accounts`, query: hubQuery });
  }
  routes.push({ method: 'POST', path: `${API}/events/twiliov2/{id}`, query: [] });
  return routes;
}

/** Routes as Fastify lists them (`/instances/:id`, `*` for the rest of a path), HEAD and OPTIONS left out. */
export function registeredRoutes(routes: readonly { readonly method: string; readonly url: string }[]): HostileRoute[] {
  const query = ['page', 'pageSize', 'searchText', 'where', 'tags[]', 'hours', 'status', 'from', 'to'];
  const seen = new Set<string>();
  const out: HostileRoute[] = [];
  for (const { method, url } of routes) {
    if (!HTTP_METHODS.includes(method.toLowerCase())) continue;
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, 'messages');
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method, path, query });
  }
  return out;
}

/**
 * The tables a refused request must leave as they were (login counters and tokens may move): the
 * battery's "no row changed", in-process and over HTTP (npm run fuzz).
 */
export const HOSTILE_INPUT_UNCHANGED_TABLES = [
  'organizations',
  'users',
  'instances',
  'instance_configuration',
  'organization_rate_limits',
  'organization_object_definitions',
  'instance_object_definitions',
  'organization_transformations',
  'instance_transformations',
  'event_notifications',
  'operators',
  'formulas',
  'formula_instances',
  'formula_executions',
];

/** Strings a hostile tenant tries: NUL, huge numbers, paths, patterns, markup, long text, Unicode. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '-1',
    '0',
    '99999999999999999999999',
    '1e308',
    'NaN',
    '../../etc/passwd',
    '%00',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    '\uD800',
    '\u202E',
    'null',
    '{}',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 3_000 }).map((n) => 'x'.repeat(n)),
);

/** CEQL a hostile tenant writes: the probe's patterns, deep nesting, long IN lists, and noise. */
export const hostileWhere: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 120 }).map((n) => `To LIKE '${'%'.repeat(n)}b'`),
  fc.integer({ min: 1, max: 60 }).map((n) => `To LIKE '${'%a'.repeat(n)}%b'`),
  fc.integer({ min: 1, max: 8_000 }).map((n) => `${'('.repeat(n)}To = '1'${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 400 }).map((n) => `To IN (${Array.from({ length: n }, (_, i) => `'${i}'`).join(',')})`),
  fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `To = '${i}'`).join(' OR ')),
  hostileString,
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER * 2, 0.5, 1e23),
  fc.double(),
);

/** JSON nested `depth` deep, as text (no stack is needed to build it). */
export const deepJson = (depth: number, open = '[', close = ']'): string =>
  open === '{' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${open.repeat(depth)}${close.repeat(depth)}`;

/** An object with `count` keys, as text. */
export const manyKeysJson = (count: number, prefix = 'k'): string => {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`"${prefix}${i}":${i}`);
  return `{${parts.join(',')}}`;
};

/** Field names of the hub's bodies: instances, configuration entries, definitions, logins, hub records. */
const KNOWN_FIELDS = [
  'name', 'tags', 'element', 'configuration', 'providerData', 'externalAuthentication', 'cachingEnabled',
  'maxCacheSize', 'cacheTimeToLive', 'traceLoggingEnabled', 'propertyValue', 'fields', 'vendorName', 'username',
  'password', 'To', 'From', 'Body', 'FriendlyName', 'Status', 'secret', 'suspended',
];

/**
 * A JSON body that every route refuses: random known fields with hostile values, always with a
 * field no route knows (or a shape no route takes), sometimes deep or wide.
 */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.dictionary(fc.constantFrom(...KNOWN_FIELDS), fc.oneof(hostileScalar, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 }), hostileString)
    .map(([fields, unknown]) => JSON.stringify({ ...fields, [`\u0000unknown ${unknown}`]: unknown })),
  fc.integer({ min: 30, max: 20_000 }).map((depth) => deepJson(depth)),
  fc.integer({ min: 30, max: 5_000 }).map((depth) => deepJson(depth, '{', '}')),
  fc.integer({ min: 5_001, max: 30_000 }).map((count) => manyKeysJson(count)),
  fc.constantFrom('{', '[1,', '"unterminated', 'nul\u0000l', '{"a":1}{"b":2}', '1e308', 'null', '[]', '"x"'),
);

/** A path value; with a method that can change something, never one that reads as the tenant's own id ('01' is 1). */
const hostilePathValue = (own: string | undefined, method: string, ownIds: readonly string[]): fc.Arbitrary<string> => {
  if (method === 'GET' && own !== undefined) return fc.oneof(fc.constant(own), hostileString);
  const owned = new Set(ownIds.map((id) => Number(id)));
  return fc.oneof(hostileString, fc.constantFrom('999999999', '2147483648')).filter((v) => !(/^\s*\+?\d+(\.0*)?\s*$/.test(v) && owned.has(Number(v))) && !ownIds.includes(v));
};

/** Lone surrogates cannot be percent-encoded: they go as U+FFFD, as URLSearchParams sends them. */
function wellFormed(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const high = c >= 0xd800 && c <= 0xdbff;
    const low = c >= 0xdc00 && c <= 0xdfff;
    const next = text.charCodeAt(i + 1);
    if (high && next >= 0xdc00 && next <= 0xdfff) {
      out += text[i] + text[i + 1];
      i++;
    } else out += high || low ? '\ufffd' : text[i];
  }
  return out;
}

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(wellFormed(values[name] ?? '')));
}

/** One hostile request over one documented route. */
export function hostileRequest(context: BatteryContext): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...context.routes).chain((route) => {
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathValues = fc.tuple(...names.map((name) => hostilePathValue(context.ownIds[name], route.method, Object.values(context.ownIds))));
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom(...(route.query.length > 0 ? route.query : ['q'])), fc.constantFrom('page', 'pageSize', 'where', 'searchText', 'tags[]', 'x\u0000')),
      fc.oneof(hostileString, hostileWhere),
      { maxKeys: 4 },
    );
    const writes = route.method !== 'GET' && route.method !== 'DELETE';
    return fc
      .record({
        values: pathValues.map((values) => Object.fromEntries(names.map((name, i) => [name, values[i]]))),
        query,
        authorization: fc.constantFrom(...context.authorizations),
        body: writes ? hostileBody.map((b) => b as string | undefined) : fc.constant(undefined),
        form: fc.boolean(),
      })
      .map(({ values, query, authorization, body, form }) => {
        const search = new URLSearchParams(Object.entries(query)).toString();
        const url = `${fillPath(route.path, values)}${search ? `?${search}` : ''}`;
        const isWebhook = route.path.includes('/events/');
        const headers: Record<string, string> = { authorization };
        if (body !== undefined) headers['content-type'] = isWebhook && form ? 'application/x-www-form-urlencoded' : 'application/json';
        return { method: route.method, url, headers, ...(body !== undefined ? { body } : {}), label: `${route.method} ${route.path}` };
      });
  });
}

/** The probe's findings, as requests that must each answer a 4xx (never a 5xx) within the bound. */
export function regressionRequests(context: BatteryContext): HostileRequest[] {
  const json = { 'content-type': 'application/json' };
  const platform = { ...json, authorization: context.platform };
  const instance = `${API}/instances/${context.instanceId}`;
  const hubCall = (query: string): HostileRequest => ({
    method: 'GET',
    url: `${API}/hubs/messaging/messages?${query}`,
    headers: { authorization: context.hub },
    label: `GET /hubs/messaging/messages?${query.slice(0, 40)}…`,
  });
  const patch = (body: string, label: string): HostileRequest => ({ method: 'PATCH', url: instance, headers: platform, body, label: `PATCH /instances/{id} ${label}` });
  return [
    hubCall(`where=${encodeURIComponent(`To LIKE '${'%'.repeat(83)}b'`)}`),
    hubCall(`where=${encodeURIComponent(`${'('.repeat(7_500)}To = '1'${')'.repeat(7_500)}`)}`),
    { method: 'POST', url: `${API}/instances`, headers: platform, body: manyKeysJson(200_000), label: 'POST /instances with 200,000 unknown keys' },
    patch(`{"configuration":${manyKeysJson(200_000)}}`, 'with 200,000 configuration keys'),
    { method: 'POST', url: `${API}/instances`, headers: platform, body: deepJson(10_000), label: 'POST /instances nested 10,000 deep' },
    { method: 'POST', url: `${API}/authentication`, headers: json, body: deepJson(10_000, '{', '}'), label: 'POST /authentication nested 10,000 deep' },
    ...['name', 'externalAuthentication', 'cachingEnabled', 'maxCacheSize', 'cacheTimeToLive', 'traceLoggingEnabled'].map((field) =>
      patch(JSON.stringify({ [field]: null }), `${field}: null`),
    ),
    patch('{"maxCacheSize":1e308}', 'maxCacheSize: 1e308'),
    patch('{"cacheTimeToLive":1e308}', 'cacheTimeToLive: 1e308'),
    patch(JSON.stringify({ name: 'a\u0000b' }), 'a NUL in name'),
    patch(JSON.stringify({ tags: ['a\u0000b'] }), 'a NUL in a tag'),
    { method: 'GET', url: `${API}/instances?searchText=a%00b`, headers: { authorization: context.platform }, label: 'GET /instances?searchText with a NUL' },
    { method: 'POST', url: `${API}/authentication`, headers: json, body: JSON.stringify({ username: 'a\u0000b', password: 'x' }), label: 'POST /authentication with a NUL in the username' },
    { method: 'GET', url: `${API}/instances?page=99999999999999999999999`, headers: { authorization: context.platform }, label: 'GET /instances?page=99999999999999999999999' },
  ];
}

export interface BatteryAnswer {
  readonly status: number;
}

export interface BatteryReport {
  tried: number;
  statuses: Record<number, number>;
  /** Requests answered 5xx, or not at all within the bound. */
  failures: { label: string; url: string; status: number | 'timeout'; ms: number }[];
  slowest: { label: string; ms: number };
}

/** Sends requests one after the other and reports statuses, failures (5xx or over the bound) and the slowest. */
export async function runBattery(
  requests: Iterable<HostileRequest>,
  send: (request: HostileRequest) => Promise<BatteryAnswer>,
  boundMs: number,
): Promise<BatteryReport> {
  const report: BatteryReport = { tried: 0, statuses: {}, failures: [], slowest: { label: '', ms: 0 } };
  for (const request of requests) {
    const started = performance.now();
    let status: number | 'timeout';
    try {
      status = (await send(request)).status;
    } catch {
      status = 'timeout';
    }
    const ms = Math.round(performance.now() - started);
    report.tried++;
    if (status !== 'timeout') report.statuses[status] = (report.statuses[status] ?? 0) + 1;
    if (status === 'timeout' || status >= 500 || ms > boundMs) report.failures.push({ label: request.label, url: request.url.slice(0, 120), status, ms });
    if (ms > report.slowest.ms) report.slowest = { label: request.label, ms };
  }
  return report;
}
