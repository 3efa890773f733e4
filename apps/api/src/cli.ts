import 'reflect-metadata';
import { openStore } from '@hub/store';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { migrationsDir, validateEnvironment } from '@hub/runtime';

/**
 * Operator commands, run against the same store as the hub (`npm run hub -- <command>`).
 * On the embedded store, stop the hub first: one process owns the PGlite data folder.
 */
const USAGE = `Usage: npm run hub -- <command> [options]

Commands:
  org:create <name> [--email <address>] [--with-password]
                                            create an organization and its first user; prints both secrets once
  user:create <organizationId> --email <address> [--with-password]
                                            add a user to an organization; prints its secret once
  user:password <userId>                    set a user's password: it then logs in (POST /authentication) with its email
  operator:create --email <address> --role admin|support
                                            create an operator of the hub (the admin app's accounts)
  key:generate                              print a new HUB_ENCRYPTION_KEY value (32 random bytes, base64)

Passwords (at least 12 characters) are read from HUB_USER_PASSWORD (users) or HUB_OPERATOR_PASSWORD
(operators) when set, else from standard input (typed without echo on a terminal, or piped:
  printf '%s' "$PW" | npm run hub -- user:password 2). They are stored as scrypt hashes, never shown.

The store is the one the hub uses: DATABASE_URL (PostgreSQL) or the embedded store in HUB_DATA_DIR (default .data).`;

const COMMANDS = ['org:create', 'user:create', 'user:password', 'operator:create'];

/** A password from the environment variable, else standard input (hidden on a terminal). */
async function readPassword(envName: string, prompt: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) return promptHidden(prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (text: string) => {
      for (const c of text) {
        if (c === '\r' || c === '\n' || c === '\u0004') return finish();
        if (c === '\u0003') return finish(new Error('cancelled'));
        value = c === '\u007f' || c === '\b' ? value.slice(0, -1) : value + c;
      }
    };
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      'with-password': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  if (command === 'key:generate') {
    process.stdout.write(`${randomBytes(32).toString('base64')}\n`);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`Unknown command '${command}'.\n\n${USAGE}\n`);
    return 2;
  }
  if (command === 'operator:create' && (!values.email || (values.role !== 'admin' && values.role !== 'support'))) {
    throw new Error('operator:create needs --email and --role admin|support: npm run operator:create -- --email ops@example.com --role admin');
  }
  if (command === 'user:password' && !/^[1-9]\d*$/.test(rest[0] ?? '')) {
    throw new Error('user:password needs a user id: npm run user:password -- 2');
  }
  // Read before the store opens: a typed password is not hurried by a store holding its lock.
  const password =
    command === 'operator:create'
      ? await readPassword('HUB_OPERATOR_PASSWORD', 'Operator password: ')
      : command === 'user:password' || values['with-password']
        ? await readPassword('HUB_USER_PASSWORD', 'User password: ')
        : undefined;
  const env = validateEnvironment(process.env);
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.HUB_DATA_DIR,
    encryptionKey: env.HUB_ENCRYPTION_KEY,
    migrationsDir: migrationsDir(env, __dirname),
    migrateOnStart: env.HUB_MIGRATE_ON_START,
  });
  try {
    if (command === 'org:create') {
      const name = rest.join(' ').trim();
      if (!name) throw new Error('org:create needs a name: npm run hub -- org:create "Acme Inc" --email ops@acme.example');
      const created = await store.tenants.createOrganization({
        name,
        user: { emailAddress: values.email ?? 'admin@localhost', password },
      });
      process.stdout.write(
        `Organization ${created.organization.id} "${created.organization.name}", user ${created.user.id} <${created.user.emailAddress}>\n` +
          `Authorization: User ${created.user.secret}, Organization ${created.organization.secret}\n` +
          'These secrets are shown once here (the hub keeps them hashed and encrypted).\n' +
          (password ? `The user logs in (POST /authentication) as ${created.user.emailAddress}.\n` : ''),
      );
    } else if (command === 'operator:create') {
      const operator = await store.operators.create({
        email: values.email ?? '',
        password: password ?? '',
        role: values.role as 'admin' | 'support',
      });
      process.stdout.write(`Operator ${operator.id} <${operator.email}>, role ${operator.role}\n`);
    } else if (command === 'user:password') {
      const user = await store.tenants.setUserPassword(Number(rest[0]), password ?? '');
      if (!user) throw new Error(`There is no user ${rest[0]}`);
      process.stdout.write(`User ${user.id} (organization ${user.organizationId}) logs in as ${user.loginName}\n`);
    } else {
      const organizationId = Number(rest[0]);
      if (!Number.isInteger(organizationId) || organizationId < 1 || !values.email) {
        throw new Error('user:create needs an organization id and --email: npm run hub -- user:create 1 --email dev@acme.example');
      }
      const user = await store.tenants.createUserInOrganization(organizationId, { emailAddress: values.email, password });
      process.stdout.write(
        `User ${user.id} <${user.emailAddress}> in organization ${organizationId}\nUser secret: ${user.secret}\n` +
          'Shown once here (the hub keeps it hashed and encrypted). The organization secret is unchanged.\n' +
          (password ? `The user logs in (POST /authentication) as ${user.emailAddress}.\n` : ''),
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
