import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Runs one statement on the database a URL names, on a connection of its own; answers its rows. */
export async function query<R extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL database of its own for one suite, made on the server TEST_DATABASE_URL names and
 * dropped (with its connections) when the suite ends, so suites never share tables.
 */
export class SuiteDatabase {
  private constructor(
    private readonly serverUrl: string,
    readonly name: string,
    /** The database's own URL (DATABASE_URL for the processes under test). */
    readonly url: string,
  ) {}

  static async create(serverUrl: string, prefix: string): Promise<SuiteDatabase> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    await query(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new SuiteDatabase(serverUrl, name, url.toString());
  }

  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string): Promise<R[]> {
    return query<R>(this.url, sql);
  }

  async drop(): Promise<void> {
    await query(this.serverUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`).catch(() => undefined);
  }
}
