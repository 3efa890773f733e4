import { plainToInstance, Transform } from 'class-transformer';
import { parseVendorHosts } from '@hub/delivery';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (/^(true|1|yes)$/i.test(value) ? true : /^(false|0|no)$/i.test(value) ? false : value) : value;

/**
 * The hub's environment, typed and checked at boot: a bad variable stops the process with a
 * message naming it (see `validateEnvironment`). Documented in the README.
 */
export class Environment {
  /** Interface to listen on. Loopback by default; 0.0.0.0 to serve a network. */
  @IsString()
  HOST = '127.0.0.1';

  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  /** postgresql://… selects PostgreSQL; unset selects the embedded store in HUB_DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgresql://' })
  DATABASE_URL?: string;

  @IsString()
  HUB_DATA_DIR = '.data';

  /** Base64 AES-256 key(s), comma separated, optionally `id:key`. Required with DATABASE_URL. */
  @IsOptional()
  @IsString()
  HUB_ENCRYPTION_KEY?: string;

  /** Leave V8's defaults instead of the small-footprint settings of @hub/runtime/v8-footprint (read there, before this validation). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'HUB_V8_DEFAULTS must be true or false' })
  HUB_V8_DEFAULTS = false;

  /** PostgreSQL only: apply pending migrations at start instead of refusing to start. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'HUB_MIGRATE_ON_START must be true or false' })
  HUB_MIGRATE_ON_START = false;

  /** Create a first organization and user on an empty store, and print their secrets once. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'HUB_BOOTSTRAP_ORGANIZATION must be true or false' })
  HUB_BOOTSTRAP_ORGANIZATION = true;

  /** Upper bound of one vendor call, in milliseconds. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_VENDOR_TIMEOUT_MS must be an integer number of milliseconds' })
  @Min(100)
  @Max(300_000)
  HUB_VENDOR_TIMEOUT_MS = 15_000;

  /** Where the migration folders are; defaults to the ones shipped with the build. */
  @IsOptional()
  @IsString()
  HUB_MIGRATIONS_DIR?: string;

  /**
   * The hub's URL as vendors reach it: vendor webhooks (Twilio status callbacks, inbound messages)
   * are sent to <HUB_PUBLIC_URL>/elements/api-v2/events/{elementKey}/{instanceId}. Default http://HOST:PORT.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, { message: 'HUB_PUBLIC_URL must be an absolute http(s) URL without query or fragment' })
  HUB_PUBLIC_URL?: string;

  /**
   * The poller only: an api replica's base URL (e.g. http://hub-api:8080), which formulas' `request`
   * steps call the platform API through (signed as the formula's owner). Unset: those steps fail
   * there saying so. The api runs them in process and ignores it.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, { message: 'HUB_API_URL must be an absolute http(s) URL (an api replica\'s base URL, e.g. http://hub-api:8080) without query or fragment' })
  HUB_API_URL?: string;

  /** Run the poll scheduler and delivery workers in this process: auto = on the embedded store only (on PostgreSQL, run apps/poller). */
  @IsIn(['auto', 'true', 'false'], { message: 'HUB_EVENT_WORKERS must be auto, true or false' })
  HUB_EVENT_WORKERS = 'auto';

  /** Deliver events to loopback/private/link-local callback URLs: auto = on the embedded store only. */
  @IsIn(['auto', 'true', 'false'], { message: 'HUB_ALLOW_PRIVATE_CALLBACK_URLS must be auto, true or false' })
  HUB_ALLOW_PRIVATE_CALLBACK_URLS = 'auto';

  /** Vendor URLs of instances (base.url) may reach loopback/private/link-local addresses: auto = on the embedded store only. */
  @IsIn(['auto', 'true', 'false'], { message: 'HUB_ALLOW_PRIVATE_VENDOR_URLS must be auto, true or false' })
  HUB_ALLOW_PRIVATE_VENDOR_URLS = 'auto';

  /** Public hosts vendor URLs may name besides each element's own (`*.twilio.com`): `element:host` entries, comma separated (`*` for every element). */
  @IsOptional()
  @Matches(/^\s*[A-Za-z0-9_*-]+:[^\s,]+\s*(,\s*[A-Za-z0-9_*-]+:[^\s,]+\s*)*$/, {
    message: 'HUB_VENDOR_HOSTS must list element:host entries, e.g. twiliov2:gateway.example.com,*:*.example.org',
  })
  HUB_VENDOR_HOSTS?: string;

  /** Requests other than /health… and /metrics answer 503 while the event loop lags more than this (0: never). */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_MAX_EVENT_LOOP_DELAY_MS must be a whole number of milliseconds (0: no overload guard)' })
  @Min(0)
  HUB_MAX_EVENT_LOOP_DELAY_MS = 1_000;

  /** Delays before each delivery retry, e.g. 30s,2m,5m,15m,1h,3h,8h,24h,48h,72h (the default). */
  @IsOptional()
  @Matches(/^\s*\d+(\.\d+)?\s*(ms|s|min|m|h|d)\s*(,\s*\d+(\.\d+)?\s*(ms|s|min|m|h|d)\s*)*$/, {
    message: 'HUB_EVENT_RETRY_SCHEDULE must list delays with units, e.g. 30s,5m,1h',
  })
  HUB_EVENT_RETRY_SCHEDULE?: string;

  /** A poll or delivery claim is lost after this if its process neither finishes nor renews it (a killed replica). */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_LEASE_MS must be an integer number of milliseconds' })
  @Min(1_000)
  HUB_EVENT_LEASE_MS = 120_000;

  /** How often idle event workers look for due work. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_IDLE_MS must be an integer number of milliseconds' })
  @Min(10)
  HUB_EVENT_IDLE_MS = 500;

  /**
   * Polls in flight per process. A poll mostly waits for the vendor, so what one process sustains is
   * this divided by the vendor's latency (64 at Twilio's ~300 ms: ~210 polls/s, 12,800 instances at a
   * 1-minute interval); the database work of the polls in flight is batched (claims, commits).
   */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_POLL_CONCURRENCY must be a positive integer' })
  @Min(1)
  HUB_EVENT_POLL_CONCURRENCY = 64;

  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_DELIVERY_CONCURRENCY must be a positive integer' })
  @Min(1)
  HUB_EVENT_DELIVERY_CONCURRENCY = 64;

  /** How long a failing callback URL's circuit stays open first (doubling after each failed trial). */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_CIRCUIT_COOLDOWN_MS must be an integer number of milliseconds' })
  @Min(100)
  HUB_EVENT_CIRCUIT_COOLDOWN_MS = 60_000;

  /** Delivered and failed event notifications are kept this many days in the delivery log. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'HUB_EVENT_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  HUB_EVENT_RETENTION_DAYS = 30;

  /** How long a login token from POST /authentication is good for GET /authentication/secrets. */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_LOGIN_TOKEN_TTL_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(86_400)
  HUB_LOGIN_TOKEN_TTL_SECONDS = 900;

  /** Login attempts per username in a window before further ones answer 429 (a success starts over). */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_LOGIN_MAX_FAILURES must be a positive integer' })
  @Min(1)
  HUB_LOGIN_MAX_FAILURES = 5;

  /** Failed login attempts per client address in a window before further ones answer 429. */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_LOGIN_MAX_FAILURES_PER_IP must be a positive integer' })
  @Min(1)
  HUB_LOGIN_MAX_FAILURES_PER_IP = 50;

  /** The login throttle's window, from a key's first attempt. */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_LOGIN_WINDOW_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(86_400)
  HUB_LOGIN_WINDOW_SECONDS = 900;

  /** After a secret rotation the previous user or organization secret keeps working this long (0: not at all). */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_SECRET_GRACE_SECONDS must be a whole number of seconds' })
  @Min(0)
  @Max(30 * 86_400)
  HUB_SECRET_GRACE_SECONDS = 86_400;

  /**
   * PostgreSQL: every how many seconds each api replica and poller drops all its caches of stored
   * state, the safety net under the change feed (LISTEN/NOTIFY); 0 turns the periodic refresh off
   * (a reconnection of the feed still drops them).
   */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_CHANGE_FEED_REFRESH_SECONDS must be a whole number of seconds (0: off)' })
  @Min(0)
  @Max(86_400)
  HUB_CHANGE_FEED_REFRESH_SECONDS = 30;

  /** How long an operator's admin session (its cookie) lasts from sign-in. */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_ADMIN_SESSION_TTL_SECONDS must be a whole number of seconds' })
  @Min(60)
  @Max(7 * 86_400)
  HUB_ADMIN_SESSION_TTL_SECONDS = 8 * 3_600;

  /** The first operator (role admin), created at start when no operator has this email address. */
  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'HUB_ADMIN_EMAIL must be an email address' })
  HUB_ADMIN_EMAIL?: string;

  /** HUB_ADMIN_EMAIL's password (at least 12 characters); used only to create that operator, never logged. */
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'HUB_ADMIN_PASSWORD must have at least 12 characters' })
  @MaxLength(1024, { message: 'HUB_ADMIN_PASSWORD may have at most 1024 characters' })
  HUB_ADMIN_PASSWORD?: string;

  /**
   * Turns on GET /metrics on the api's port, for `Authorization: Bearer <this>` only (at least 16
   * characters; e.g. `openssl rand -hex 24`). Unset: /metrics is not served there (404).
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'HUB_METRICS_TOKEN must have at least 16 characters' })
  @Matches(/^\S+$/, { message: 'HUB_METRICS_TOKEN may not contain spaces' })
  HUB_METRICS_TOKEN?: string;

  /**
   * A port of its own for GET /metrics, /health/live and /health/ready (the poller's only HTTP;
   * optional for the api). Unset: none. Bound to HUB_METRICS_HOST.
   */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'HUB_METRICS_PORT must be a port number' })
  @Min(0)
  @Max(65535)
  HUB_METRICS_PORT?: number;

  /** The interface of HUB_METRICS_PORT: loopback by default (scrape through a sidecar, or set 0.0.0.0 in a private network). */
  @IsString()
  HUB_METRICS_HOST = '127.0.0.1';

  /**
   * On SIGTERM: how long to keep serving (readiness already 503) before closing the listener, so a
   * load balancer sees the process leave first. 0 by default; a few seconds behind Kubernetes Services.
   */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_SHUTDOWN_DRAIN_MS must be an integer number of milliseconds' })
  @Min(0)
  @Max(300_000)
  HUB_SHUTDOWN_DRAIN_MS = 0;

  /** On SIGTERM: how long requests, polls and deliveries in flight may take to finish before the process exits anyway (code 1). */
  @Transform(toInteger)
  @IsInt({ message: 'HUB_SHUTDOWN_TIMEOUT_MS must be an integer number of milliseconds' })
  @Min(100)
  @Max(600_000)
  HUB_SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  /** auto: readable lines on a terminal, JSON lines otherwise; json or pretty to choose. */
  @IsIn(['auto', 'json', 'pretty'], { message: 'LOG_FORMAT must be auto, json or pretty' })
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';
}

/** For @nestjs/config's `validate`, and for main.ts before the app exists. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const known = Object.keys(new Environment());
  const extra = [
    'DATABASE_URL',
    'HUB_ENCRYPTION_KEY',
    'HUB_MIGRATIONS_DIR',
    'HUB_PUBLIC_URL',
    'HUB_API_URL',
    'HUB_EVENT_RETRY_SCHEDULE',
    'HUB_VENDOR_HOSTS',
    'HUB_ADMIN_EMAIL',
    'HUB_ADMIN_PASSWORD',
    'HUB_METRICS_TOKEN',
    'HUB_METRICS_PORT',
  ];
  const picked = Object.fromEntries(
    [...known, ...extra].filter((k) => raw[k] !== undefined && raw[k] !== '').map((k) => [k, raw[k]]),
  );
  const env = plainToInstance(Environment, picked);
  const errors = validateSync(env, { skipMissingProperties: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  if (env.DATABASE_URL && !env.HUB_ENCRYPTION_KEY) {
    problems.push(
      'HUB_ENCRYPTION_KEY: required with DATABASE_URL (generate one with `openssl rand -base64 32` and keep it safe)',
    );
  }
  if (!env.HUB_ADMIN_EMAIL !== !env.HUB_ADMIN_PASSWORD) {
    problems.push('HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD: set both (the first operator) or neither');
  }
  try {
    parseVendorHosts(env.HUB_VENDOR_HOSTS);
  } catch (error) {
    problems.push(`HUB_VENDOR_HOSTS: ${(error as Error).message}`);
  }
  if (env.HUB_EVENT_LEASE_MS < 2 * env.HUB_VENDOR_TIMEOUT_MS) {
    problems.push(
      `HUB_EVENT_LEASE_MS: must be at least twice HUB_VENDOR_TIMEOUT_MS (${2 * env.HUB_VENDOR_TIMEOUT_MS}), so that a poll's vendor call ends well within its lease and no other replica polls the same instance meanwhile`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

/** HUB_PUBLIC_URL, or the address the hub listens on. */
export function publicUrlOf(env: Environment): string {
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return (env.HUB_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`).replace(/\/+$/, '');
}

/** HUB_ALLOW_PRIVATE_CALLBACK_URLS: `auto` allows them on the embedded store (one machine) and refuses them on PostgreSQL. */
export function allowPrivateCallbackUrls(env: Environment, storeKind: 'embedded' | 'postgresql'): boolean {
  return env.HUB_ALLOW_PRIVATE_CALLBACK_URLS === 'auto' ? storeKind === 'embedded' : env.HUB_ALLOW_PRIVATE_CALLBACK_URLS === 'true';
}

/** HUB_ALLOW_PRIVATE_VENDOR_URLS, the twin of HUB_ALLOW_PRIVATE_CALLBACK_URLS: `auto` allows them on the embedded store only. */
export function allowPrivateVendorUrls(env: Environment, storeKind: 'embedded' | 'postgresql'): boolean {
  return env.HUB_ALLOW_PRIVATE_VENDOR_URLS === 'auto' ? storeKind === 'embedded' : env.HUB_ALLOW_PRIVATE_VENDOR_URLS === 'true';
}

/** The platform's settings from the environment (RuntimeModule.forRoot adds the element registry). */
export function platformSettingsFrom(env: Environment, storeKind: 'embedded' | 'postgresql') {
  return {
    vendorTimeoutMs: env.HUB_VENDOR_TIMEOUT_MS,
    publicUrl: publicUrlOf(env),
    allowPrivateCallbackUrls: allowPrivateCallbackUrls(env, storeKind),
    allowPrivateVendorUrls: allowPrivateVendorUrls(env, storeKind),
    vendorHosts: parseVendorHosts(env.HUB_VENDOR_HOSTS),
    login: {
      tokenTtlSeconds: env.HUB_LOGIN_TOKEN_TTL_SECONDS,
      maxFailuresPerUsername: env.HUB_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: env.HUB_LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: env.HUB_LOGIN_WINDOW_SECONDS,
    },
    secretGraceSeconds: env.HUB_SECRET_GRACE_SECONDS,
    changeFeedRefreshSeconds: env.HUB_CHANGE_FEED_REFRESH_SECONDS,
    admin: {
      sessionTtlSeconds: env.HUB_ADMIN_SESSION_TTL_SECONDS,
      // Secure cookies need HTTPS: on whenever the hub is published over it.
      secureCookies: publicUrlOf(env).startsWith('https://'),
    },
  };
}
