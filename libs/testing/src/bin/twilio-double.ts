/**
 * Runs the Twilio test double as a process: `npm run twilio:double [-- --port 4010]`.
 *
 * Listens on 127.0.0.1 (port: --port, else TWILIO_DOUBLE_PORT, else 4010; 0 picks a free one), seeds one
 * account (TWILIO_DOUBLE_ACCOUNT_SID / TWILIO_DOUBLE_AUTH_TOKEN, else the fixed pair below), prints one
 * JSON line to stdout once listening — {"baseUrl","accountsUrl","accountSid","authToken"} — and then
 * one line per request to stderr. Stops cleanly on SIGINT/SIGTERM.
 *
 * Options: --port N, --clock system|manual (default system: statuses move on with real time),
 * --seed TEXT (SID generator seed), --quiet (no request lines). Env: TWILIO_DOUBLE_CLOCK.
 */
import {
  type ClockMode,
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  DEFAULT_BIN_PORT,
  type RequestLogEntry,
  TwilioDouble,
} from '../lib/twilio-double';

interface BinOptions {
  port: number;
  clock: ClockMode;
  seed: string | undefined;
  quiet: boolean;
  accountSid: string;
  authToken: string;
}

const USAGE =
  'Usage: twilio-double [--port N] [--clock system|manual] [--seed TEXT] [--quiet]\n' +
  'Env: TWILIO_DOUBLE_PORT, TWILIO_DOUBLE_ACCOUNT_SID, TWILIO_DOUBLE_AUTH_TOKEN, TWILIO_DOUBLE_CLOCK\n';

function fail(message: string): never {
  process.stderr.write(`twilio-double: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BinOptions {
  let port: string | undefined = env['TWILIO_DOUBLE_PORT'];
  let clock: string | undefined = env['TWILIO_DOUBLE_CLOCK'];
  let seed: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        fail(`${name} needs a value`);
      }
      return v;
    };
    switch (name) {
      case '--port':
        port = value();
        break;
      case '--clock':
        clock = value();
        break;
      case '--seed':
        seed = value();
        break;
      case '--quiet':
        quiet = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${arg}`);
    }
  }
  const portNumber = port === undefined || port === '' ? DEFAULT_BIN_PORT : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65_535) {
    fail(`invalid port ${String(port)}`);
  }
  if (clock !== undefined && clock !== '' && clock !== 'system' && clock !== 'manual') {
    fail(`invalid clock ${clock}`);
  }
  const accountSid = env['TWILIO_DOUBLE_ACCOUNT_SID'] || DEFAULT_ACCOUNT_SID;
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    fail(`TWILIO_DOUBLE_ACCOUNT_SID must be AC followed by 32 hex characters, got ${accountSid}`);
  }
  const authToken = env['TWILIO_DOUBLE_AUTH_TOKEN'] || DEFAULT_AUTH_TOKEN;
  return {
    port: portNumber,
    clock: clock === 'manual' ? 'manual' : 'system',
    seed,
    quiet,
    accountSid,
    authToken,
  };
}

function requestLine(entry: RequestLogEntry): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entry.query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      query.append(key, v);
    }
  }
  const qs = query.toString();
  const parts = [
    new Date().toISOString(),
    entry.method,
    qs ? `${entry.path}?${qs}` : entry.path,
    entry.status === 0 ? 'RESET' : String(entry.status),
    `${entry.durationMs}ms`,
  ];
  if (entry.errorCode !== null) {
    parts.push(`code=${entry.errorCode}`);
  }
  if (entry.fault !== null) {
    parts.push(`fault=${entry.fault}`);
  }
  return `${parts.join(' ')}\n`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), process.env);
  let double: TwilioDouble;
  try {
    double = await TwilioDouble.start({
      port: options.port,
      host: '127.0.0.1',
      clock: options.clock,
      seed: options.seed,
      onRequest: options.quiet ? undefined : (entry) => process.stderr.write(requestLine(entry)),
      onControlRequest: options.quiet
        ? undefined
        : (method, path, status) =>
            process.stderr.write(`${new Date().toISOString()} ${method} ${path} ${status} control\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(
      `twilio-double: cannot listen on 127.0.0.1:${options.port}${code ? ` (${code})` : ''}: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
  const { sid, authToken } = double.addAccount({
    sid: options.accountSid,
    authToken: options.authToken,
    friendlyName: 'Twilio test double',
  });
  process.stdout.write(
    `${JSON.stringify({ baseUrl: double.baseUrl, accountsUrl: double.accountsUrl, accountSid: sid, authToken })}\n`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    double.stop().then(
      () => {
        process.stderr.write(`twilio-double: stopped (${signal})\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`twilio-double: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
