/**
 * Formula executions as they run in production: the built api (serving only) and two built poller
 * replicas on one PostgreSQL (TEST_DATABASE_URL). A replica is killed with SIGKILL while it holds
 * executions; every execution still ends `success`, each with exactly one trigger step execution and
 * all its steps, and another organization sees none of them.
 */
import { randomBytes } from 'node:crypto';
import { SuiteDatabase } from './support/databases';
import { apiCall, type RunningProcess, startHub, startPoller } from './support/processes';

jest.setTimeout(180_000);

const serverUrl = process.env['TEST_DATABASE_URL']?.trim();
const EXECUTIONS = 12;
const ENTRIES = 20;

type Json = Record<string, unknown>;

(serverUrl ? describe : describe.skip)('formula executions with two poller replicas on PostgreSQL', () => {
  let database: SuiteDatabase;
  let hub: RunningProcess;
  let baseUrl: string;
  let platform: string;
  const replicas: RunningProcess[] = [];
  let env: Record<string, string>;

  const startReplica = async () => {
    const replica = await startPoller(env);
    replicas.push(replica);
    return replica;
  };
  const http = (method: string, url: string, body?: unknown, auth = platform) => apiCall(baseUrl, method, url, auth, body);

  beforeAll(async () => {
    database = await SuiteDatabase.create(serverUrl ?? '', 'hub_e2e_formulas');
    env = {
      DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_VENDOR_TIMEOUT_MS: '2000',
      HUB_EVENT_LEASE_MS: '4000',
      HUB_EVENT_IDLE_MS: '100',
    };
    ({ hub, baseUrl } = await startHub({ ...env, HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' }));
    platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop('SIGKILL');
    await hub?.stop();
    await database?.drop();
  });

  it('finishes every execution although a replica is killed while it holds some', async () => {
    // A loop of busy script steps: each execution takes a while, so the killed replica holds some mid-way.
    const formula = await http('POST', '/formulas', {
      name: 'busy',
      triggers: [{ type: 'manual', onSuccess: ['each'] }],
      steps: [
        { name: 'each', type: 'loop', onSuccess: ['work'], properties: { list: '${trigger.args.list}' } },
        { name: 'work', type: 'script', onSuccess: ['each'], properties: { body: 'const end = Date.now() + 50; while (Date.now() < end) {} done({ n: steps.each.entry * 2 })' } },
      ],
    });
    expect(formula.status).toBe(200);
    const formulaId = (formula.body as Json)['id'];
    const instance = await http('POST', `/formulas/${formulaId}/instances`, { name: 'busy' });
    expect(instance.status).toBe(200);
    const instanceId = (instance.body as Json)['id'];

    const [a] = [await startReplica(), await startReplica()];
    const ids: number[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const started = await http('POST', `/formulas/${formulaId}/instances/${instanceId}/executions`, { list: Array.from({ length: ENTRIES }, (_, n) => n) });
      expect(started.status).toBe(200);
      ids.push(Number((started.body as Json[])[0]['id']));
    }

    // Kill replica A while it holds executions (its lease owner is host:pid:random).
    const until = Date.now() + 30_000;
    for (;;) {
      const [row] = await database.query(`SELECT count(*)::int AS n FROM formula_executions WHERE status = 'pending' AND lease_owner LIKE '%:${a.child.pid}:%'`);
      if (Number(row['n']) > 0) break;
      if (Date.now() > until) throw new Error('replica A never held an execution');
      await new Promise((r) => setTimeout(r, 20));
    }
    await a.stop('SIGKILL');

    // Every execution ends, successfully, with one trigger step and all its steps, whoever ran it.
    const deadline = Date.now() + 120_000;
    let executions: Json[] = [];
    for (;;) {
      executions = (await http('GET', `/formulas/instances/${instanceId}/executions?pageSize=200`)).body as Json[];
      if (executions.length === EXECUTIONS && executions.every((e) => e['status'] === 'success')) break;
      if (Date.now() > deadline) throw new Error(`executions did not all finish: ${JSON.stringify(executions.map((e) => e['status']))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(executions.map((e) => e['id'])).toEqual([...ids].reverse());
    for (const id of ids) {
      const steps = (await http('GET', `/formulas/instances/executions/${id}/steps?pageSize=500`)).body as Json[];
      expect(steps.filter((s) => s['stepName'] === 'trigger')).toHaveLength(1);
      expect(steps).toHaveLength(1 + (ENTRIES + 1) + ENTRIES);
    }
    const [rerun] = await database.query(`SELECT count(*)::int AS n FROM formula_executions WHERE claims > 1`);
    expect(Number(rerun['n'])).toBeGreaterThanOrEqual(1);
    expect(replicas[1].stdout).toMatch(/running it again from its trigger/);
  });
});
