/**
 * The admin API client: the only way the app talks to the hub. Same-origin requests carry the
 * HttpOnly session cookie; every change also carries the session's CSRF token (X-CSRF-Token),
 * which the app keeps in memory only (from the sign-in answer or GET /admin/session).
 */
export const ADMIN_API = '/elements/api-v2/admin';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export interface Listed<T> {
  readonly items: T[];
  readonly total: number;
}

let csrfToken = '';
let signedOut: (reason: string) => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a call answers 401: the session ended (expired, signed out elsewhere, operator disabled). */
export function onSignedOut(listener: (reason: string) => void): void {
  signedOut = listener;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${ADMIN_API}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, `The hub did not answer: ${(error as Error).message}`);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let requestId = response.headers.get('elements-request-id') ?? undefined;
    try {
      const parsed = (await response.json()) as { message?: unknown; requestId?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
      if (typeof parsed.requestId === 'string') requestId = parsed.requestId;
    } catch {
      // not JSON: keep the status line
    }
    if (response.status === 401 && path !== '/session') signedOut(message);
    throw new ApiError(response.status, message, requestId);
  }
  return response;
}

export async function get<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

/** A paged list: the items and Elements-Total-Count. */
export async function list<T>(path: string): Promise<Listed<T>> {
  const response = await send('GET', path);
  const items = (await response.json()) as T[];
  const total = Number(response.headers.get('elements-total-count') ?? items.length);
  return { items, total: Number.isFinite(total) ? total : items.length };
}

export async function change<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

// ---- shapes the admin API answers ---------------------------------------------------------------

export type Role = 'admin' | 'support';

export interface SessionAnswer {
  operator: { email: string; role: Role };
  csrfToken: string;
  expiresAt?: string;
}

export interface OrganizationRow {
  id: number;
  name: string;
  createdDate: string;
  users: number;
  instances: number;
  rateLimit: { requestsPerSecond: number; burst: number } | null;
  suspended?: boolean;
}

export interface UserRow {
  id: number;
  emailAddress: string;
  firstName: string | null;
  lastName: string | null;
  canLogIn: boolean;
  previousSecretExpiresAt: string | null;
  createdDate: string;
}

export interface PollerSummary {
  intervalMs: number;
  nextRunAt: string;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  eventsFound: number;
}

export interface PollerRow extends PollerSummary {
  instanceId: number;
  instanceName: string;
  organizationId: number;
  organizationName: string;
  elementId: number;
}

export interface InstanceRow {
  id: number;
  name: string;
  organizationId: number;
  organizationName: string;
  element: { id: number; key: string };
  tags: string[];
  valid: boolean;
  disabled: boolean;
  eventsEnabled: boolean;
  createdDate: string;
  poller: PollerSummary | null;
}

export interface DeliveryRow {
  eventId: string;
  instanceId: number;
  instanceName: string;
  organizationId: number;
  elementKey: string;
  status: string;
  attempts: number;
  eventCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdDate: string;
}

export interface DeliveryHour {
  hour: string;
  delivered: number;
  retry: number;
  failed: number;
}

export interface TraceRow {
  id: string;
  createdDate: string;
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  error?: string;
  /** A hub call's Elements-Warning (the parameters it ignored); its url is the hub's path. */
  warning?: string;
}

export interface InstanceDetail {
  instance: {
    id: number;
    name: string;
    createdDate: string;
    updatedDate: string;
    element: { id: number; key: string; name?: string };
    tags: string[];
    valid: boolean;
    disabled: boolean;
    eventsEnabled: boolean;
    traceLoggingEnabled: boolean;
    cachingEnabled: boolean;
    configuration: Record<string, unknown>;
    user: { id: number; emailAddress: string };
  };
  organization: { id: number; name: string } | null;
  poller: {
    enabled: boolean;
    refreshIntervalMinutes?: number;
    running?: boolean;
    checkpoint?: string;
    nextRunDate?: string;
    lastRunDate?: string | null;
    lastSuccessDate?: string | null;
    lastError?: string | null;
    consecutiveFailures?: number;
    eventsFound?: number;
  };
  deliveries: DeliveryRow[];
  traces: TraceRow[];
}

export interface ElementRow {
  id: number;
  key: string;
  name: string;
  active: boolean;
}

export interface AuditRow {
  id: string;
  createdDate: string;
  operatorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  requestId: string | null;
}
