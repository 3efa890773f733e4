import { TwilioDouble } from '@hub/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningProcess, apiCall, startHub } from './processes';

/** The built hub on its embedded store (a fresh data folder) beside a Twilio double with one account. */
export interface HubWithDouble {
  readonly double: TwilioDouble;
  readonly account: { sid: string; authToken: string };
  readonly hub: RunningProcess;
  readonly baseUrl: string;
  /** `User …, Organization …` of the first-start organization (from the banner). */
  readonly platform: string;
  /** `User …` alone. */
  readonly user: string;
  http(method: string, url: string, authorization: string, body?: unknown): ReturnType<typeof apiCall>;
  /** Provisions a twiliov2 instance on the double's account; fails the test unless it is created. */
  twiliov2(name: string): Promise<{ id: number; token: string }>;
  stop(): Promise<void>;
}

export async function startHubWithDouble(options: {
  readonly folder: string;
  readonly env?: Record<string, string>;
  readonly double?: Parameters<typeof TwilioDouble.start>[0];
}): Promise<HubWithDouble> {
  const double = await TwilioDouble.start(options.double);
  const account = double.addAccount();
  const dataDir = await mkdtemp(path.join(tmpdir(), options.folder));
  const { hub, baseUrl } = await startHub({ HUB_DATA_DIR: dataDir, ...options.env });
  const platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  const http = (method: string, url: string, authorization: string, body?: unknown) => apiCall(baseUrl, method, url, authorization, body);
  return {
    double,
    account,
    hub,
    baseUrl,
    platform,
    user: platform.split(',')[0],
    http,
    async twiliov2(name) {
      const created = await http('POST', '/instances', platform, {
        element: { key: 'twiliov2' },
        configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
        name,
      });
      if (created.status !== 200) throw new Error(`twiliov2 instance '${name}': ${created.status} ${JSON.stringify(created.body)}`);
      return created.body as { id: number; token: string };
    },
    async stop() {
      await hub.stop();
      await double.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
