import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import twilio from 'twilio';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../lib/twilio-double';

const ROOT = resolve(__dirname, '../../../..');
const TSX_CLI = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const BIN = 'libs/testing/src/bin/twilio-double.ts';

interface Ready {
  baseUrl: string;
  accountsUrl: string;
  accountSid: string;
  authToken: string;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Ready;
  stderr: () => string;
}

/** Runs the bin as `npm run twilio:double` does and waits for its JSON line. */
async function runBin(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [TSX_CLI, '--tsconfig', 'tsconfig.base.json', BIN, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TWILIO_DOUBLE_PORT: '',
      TWILIO_DOUBLE_ACCOUNT_SID: '',
      TWILIO_DOUBLE_AUTH_TOKEN: '',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<Ready>((resolveReady, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        resolveReady(JSON.parse(stdout.slice(0, newline)) as Ready);
      }
    });
    child.once('exit', (code) => reject(new Error(`bin exited with ${code}: ${stderr}`)));
  });
  return { child, ready, stderr: () => stderr };
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(running.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  running.child.kill(signal);
  const [code] = await exited;
  return code;
}

describe('bin/twilio-double', () => {
  jest.setTimeout(30_000);

  it('prints one JSON line, serves the default account, logs requests, and stops on SIGTERM', async () => {
    const running = await runBin(['--port', '0']);
    try {
      expect(Object.keys(running.ready)).toEqual(['baseUrl', 'accountsUrl', 'accountSid', 'authToken']);
      expect(running.ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(running.ready.accountsUrl).toBe(`${running.ready.baseUrl}/2010-04-01/Accounts`);
      expect(running.ready.accountSid).toBe(DEFAULT_ACCOUNT_SID);
      expect(running.ready.authToken).toBe(DEFAULT_AUTH_TOKEN);

      const client = twilio(running.ready.accountSid, running.ready.authToken);
      client.api.baseUrl = running.ready.baseUrl;
      expect((await client.api.v2010.accounts(running.ready.accountSid).fetch()).friendlyName).toBe(
        'Twilio test double',
      );
      const sent = await client.messages.create({
        to: '+15550000001',
        from: '+15550000002',
        body: 'from the bin',
      });
      expect(sent.status).toBe('queued');

      const health = await fetch(`${running.ready.baseUrl}/__double/health`);
      expect(health.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(running.stderr()).toMatch(
        new RegExp(`GET /2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}\\.json 200 `),
      );
      expect(running.stderr()).toMatch(/POST \/2010-04-01\/Accounts\/AC\w+\/Messages\.json 201 /);
    } finally {
      expect(await stop(running, 'SIGTERM')).toBe(0);
    }
    expect(running.stderr()).toContain('stopped (SIGTERM)');
  });

  it('takes credentials and port from the environment and stops on SIGINT', async () => {
    const sid = `AC${'ab'.repeat(16)}`;
    const running = await runBin(['--quiet'], {
      TWILIO_DOUBLE_PORT: '0',
      TWILIO_DOUBLE_ACCOUNT_SID: sid,
      TWILIO_DOUBLE_AUTH_TOKEN: 'cd'.repeat(16),
    });
    try {
      expect(running.ready.accountSid).toBe(sid);
      expect(running.ready.authToken).toBe('cd'.repeat(16));
      const response = await fetch(`${running.ready.accountsUrl}/${sid}.json`, {
        headers: { Authorization: `Basic ${Buffer.from(`${sid}:${'cd'.repeat(16)}`).toString('base64')}` },
      });
      expect(response.status).toBe(200);
      expect(running.stderr()).toBe('');
    } finally {
      expect(await stop(running, 'SIGINT')).toBe(0);
    }
  });

  it('refuses a malformed account SID', async () => {
    await expect(runBin(['--port', '0'], { TWILIO_DOUBLE_ACCOUNT_SID: 'AC123' })).rejects.toThrow(
      /exited with 2: .*TWILIO_DOUBLE_ACCOUNT_SID/s,
    );
  });
});
