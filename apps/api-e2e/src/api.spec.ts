/**
 * The built hub as a process, as a newcomer runs it: first start on an empty embedded store,
 * the seed request over HTTP against the Twilio double, restart, operator CLI, bad environment;
 * and on PostgreSQL (TEST_DATABASE_URL) the migrate-then-start path.
 */
import { TwilioDouble } from '@hub/testing';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { SuiteDatabase } from './support/databases';
import { API_CLI, API_MAIN, ROOT, runNode, startHub } from './support/processes';

jest.setTimeout(120_000);

let double: TwilioDouble;
let account: { sid: string; authToken: string };

beforeAll(async () => {
  double = await TwilioDouble.start();
  account = double.addAccount();
});
afterAll(() => double.stop());

const seedRequest = () => ({
  element: { key: 'twiliov2' },
  configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
  tags: ['e2e'],
  name: 'Test',
});

async function http(baseUrl: string, method: string, url: string, authorization?: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('the hub on its embedded store', () => {
  let dataDir: string;
  beforeAll(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'hub-e2e-'))));
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts on an empty store, prints the first secrets once, provisions the seed request and keeps it across a restart', async () => {
    const first = await startHub({ HUB_DATA_DIR: dataDir });
    const header = (await first.hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
    const created = await http(first.baseUrl, 'POST', '/elements/api-v2/instances', header, seedRequest());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'Test',
      element: { id: 503, key: 'twiliov2', name: 'Twilio V2' },
      configuration: { username: account.sid, password: '********', 'pagination.type': 'page' },
      valid: true,
    });
    expect(created.headers.get('elements-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await first.hub.stop()).toBe(0);
    expect(existsSync(path.join(dataDir, 'hub.pid'))).toBe(false); // shutdown hooks ran: store closed, lock released

    // Logs: structured JSON lines, none carrying a secret (the banner is plain text, printed once).
    const jsonLines = first.hub.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(0);
    for (const line of jsonLines) {
      expect(line).not.toContain(account.authToken);
      expect(line).not.toContain(String(created.body['token']));
      expect(line).not.toContain(header.split(' ')[1]);
    }

    const second = await startHub({ HUB_DATA_DIR: dataDir });
    expect(second.hub.stdout).not.toContain('First start');
    const again = await http(second.baseUrl, 'GET', `/elements/api-v2/instances/${created.body['id']}`, header);
    expect(again.body).toEqual(created.body);

    // One process owns the embedded store: the CLI refuses while the hub runs.
    const locked = await runNode(API_CLI, ['org:create', 'Acme'], { HUB_DATA_DIR: dataDir });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/in use by process \d+/);
    expect(await second.hub.stop()).toBe(0);
  });

  it('creates organizations with the CLI; their secrets work and see only their own instances', async () => {
    const cli = await runNode(API_CLI, ['org:create', 'Acme', '--email', 'ops@acme.test'], { HUB_DATA_DIR: dataDir });
    expect(cli.code).toBe(0);
    const header = cli.stdout.match(/Authorization: (User \S+, Organization \S+)/)?.[1];
    expect(header).toBeDefined();
    const { hub, baseUrl } = await startHub({ HUB_DATA_DIR: dataDir });
    try {
      const list = await fetch(`${baseUrl}/elements/api-v2/instances`, { headers: { authorization: header ?? '' } });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual([]);
    } finally {
      await hub.stop();
    }
  });

  it('stops at once on a bad environment, naming the variable', async () => {
    const bad = await runNode(API_MAIN, [], { HUB_DATA_DIR: dataDir, PORT: 'eighty', HUB_VENDOR_TIMEOUT_MS: '-1' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid environment');
    expect(bad.stderr).toContain('PORT');
    expect(bad.stderr).toContain('HUB_VENDOR_TIMEOUT_MS');
  });
});

// Runs where a PostgreSQL server is named (CI sets TEST_DATABASE_URL); the embedded store needs none.
(process.env['TEST_DATABASE_URL'] ? describe : describe.skip)('the hub on PostgreSQL', () => {
  it('refuses to start on an unmigrated database, starts after npm run db:migrate, and needs HUB_ENCRYPTION_KEY', async () => {
    const database = await SuiteDatabase.create(process.env['TEST_DATABASE_URL'] ?? '', 'hub_e2e');
    const url = new URL(database.url);
    const env = { DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    try {
      const noKey = await runNode(API_MAIN, [], { DATABASE_URL: env.DATABASE_URL, PORT: '0' });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain('HUB_ENCRYPTION_KEY');

      const behind = await runNode(API_MAIN, [], { ...env, PORT: '0' });
      expect(behind.code).toBe(1);
      expect(behind.stderr).toMatch(/missing \d+ migration.*npm run db:migrate/);

      const migrate = spawnSync('npm', ['run', '--silent', 'db:migrate'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(migrate.status).toBe(0);
      expect(`${migrate.stdout}${migrate.stderr}`).not.toContain(url.password || '\u0000');

      const { hub, baseUrl } = await startHub(env);
      try {
        const header = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
        const created = await http(baseUrl, 'POST', '/elements/api-v2/instances', header, seedRequest());
        expect(created.status).toBe(200);
        const health = await http(baseUrl, 'GET', '/health');
        expect(health.body).toMatchObject({ status: 'ok', database: { kind: 'postgresql', status: 'up' } });
      } finally {
        expect(await hub.stop()).toBe(0);
      }
    } finally {
      await database.drop();
    }
  });
});
