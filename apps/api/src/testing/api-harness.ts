/**
 * The api in-process for integration suites: on each store the hub supports (the embedded store
 * in a temporary data folder; PostgreSQL in a fresh database when TEST_DATABASE_URL is set),
 * with organizations created the way the CLI creates them, and requests sent by Fastify inject.
 */
import { PGlite } from '@electric-sql/pglite';
import { openStore } from '@hub/store';
import { testDatabases } from '@hub/store/migrations';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import { migrationsDir, validateEnvironment } from '@hub/runtime';
import { type ApiAppOptions, createApiApp } from '../app/create-app';

export interface StoreUnderTest {
  readonly name: 'embedded' | 'postgresql';
  env(): Promise<Record<string, string>>;
  /** Every row of the named tables, read straight from the database (call with the app closed). */
  rawRows(env: Record<string, string>, tables: readonly string[]): Promise<string>;
  dispose(): Promise<void>;
}

function embeddedStore(): StoreUnderTest {
  let dir = '';
  return {
    name: 'embedded',
    env: async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'hub-api-'));
      return { HUB_DATA_DIR: dir };
    },
    rawRows: async (env, tables) => {
      const db = await PGlite.create(path.join(env['HUB_DATA_DIR'], 'pglite'));
      try {
        const parts: string[] = [];
        for (const table of tables) parts.push(JSON.stringify((await db.query(`SELECT * FROM ${table}`)).rows));
        return parts.join('\n');
      } finally {
        await db.close();
      }
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresStore(): StoreUnderTest | undefined {
  const database = testDatabases().find((d) => d.name === 'postgresql');
  if (!database) return undefined;
  let dispose: () => Promise<void> = async () => undefined;
  return {
    name: 'postgresql',
    env: async () => {
      const handle = await database.create();
      dispose = () => handle.dispose();
      return { DATABASE_URL: handle.url ?? '', HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    },
    rawRows: async (env, tables) => {
      const client = new Client({ connectionString: env['DATABASE_URL'] });
      await client.connect();
      try {
        const parts: string[] = [];
        for (const table of tables) parts.push(JSON.stringify((await client.query(`SELECT * FROM ${table}`)).rows));
        return parts.join('\n');
      } finally {
        await client.end();
      }
    },
    dispose: () => dispose(),
  };
}

/** The stores every integration suite runs on: embedded always, PostgreSQL when TEST_DATABASE_URL is set. */
export function storesUnderTest(): [string, StoreUnderTest][] {
  return [embeddedStore(), postgresStore()]
    .filter((s): s is StoreUnderTest => s !== undefined)
    .map((s) => [s.name, s]);
}

export interface Reply {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
  text: string;
}

export interface Organization {
  /** `User …, Organization …` */
  readonly platform: string;
  /** `User …` (hub calls add `, Element <token>`) */
  readonly user: string;
  readonly secrets: { user: string; organization: string };
  /** The first user's email address (its login name when `start` was given a password). */
  readonly emailAddress: string;
}

/** One api app on one store, restartable, with its log lines kept. */
export class ApiHarness {
  app!: NestFastifyApplication;
  logs: string[] = [];
  env: Record<string, string> = {};

  constructor(
    readonly store: StoreUnderTest,
    private readonly extraEnv: Record<string, string> = {},
    private readonly appOptions: ApiAppOptions = {},
  ) {}

  /**
   * Prepares the store, creates the named organizations (as the CLI does), starts the app. With a
   * password, each organization's first user gets it and can log in with its email address.
   */
  async start(organizations: readonly string[], options: { password?: string } = {}): Promise<Organization[]> {
    this.env = await this.store.env();
    const hubEnv = validateEnvironment(this.env);
    const direct = await openStore({
      databaseUrl: hubEnv.DATABASE_URL,
      dataDir: hubEnv.HUB_DATA_DIR,
      encryptionKey: hubEnv.HUB_ENCRYPTION_KEY,
      migrationsDir: migrationsDir(hubEnv, path.resolve('apps/api/src/app')),
      migrateOnStart: true,
    });
    const created: Organization[] = [];
    try {
      for (const name of organizations) {
        const emailAddress = `${name.toLowerCase().replace(/\W+/g, '-')}@example.test`;
        const org = await direct.tenants.createOrganization({ name, user: { emailAddress, password: options.password } });
        created.push({
          emailAddress,
          platform: `User ${org.user.secret}, Organization ${org.organization.secret}`,
          user: `User ${org.user.secret}`,
          secrets: { user: org.user.secret, organization: org.organization.secret },
        });
      }
    } finally {
      await direct.close();
    }
    await this.restart();
    return created;
  }

  async restart(): Promise<void> {
    this.logs = [];
    const logs = this.logs;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    // The Twilio double is on loopback: allowed as a vendor URL on PostgreSQL too, unless a suite says otherwise.
    // No overload guard: the suites share Jest's event loop with PGlite, whose work would read as overload (its own spec is in libs/http).
    const hubEnv = validateEnvironment({ ...this.env, HUB_VENDOR_TIMEOUT_MS: '1500', HUB_BOOTSTRAP_ORGANIZATION: 'false', HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true', HUB_MAX_EVENT_LOOP_DELAY_MS: '0', ...this.extraEnv });
    this.app = await createApiApp(hubEnv, pino({ level: 'debug' }, sink), this.appOptions);
    await this.app.init();
    await this.app.getHttpAdapter().getInstance().ready();
  }

  async close(): Promise<void> {
    await this.app?.close();
  }

  async dispose(): Promise<void> {
    await this.close();
    await this.store.dispose();
  }

  async call(
    method: string,
    url: string,
    options: { body?: unknown; auth?: string; raw?: string; remoteAddress?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const { body, auth, raw, remoteAddress, headers } = options;
    const response = await this.app.getHttpAdapter().getInstance().inject({
      method: method as 'GET',
      url,
      ...(remoteAddress ? { remoteAddress } : {}),
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      payload: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = response.body;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.statusCode, body: parsed, headers: response.headers, text };
  }
}
