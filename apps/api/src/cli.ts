import 'reflect-metadata';
import { openStore } from '@hub/store';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { migrationsDir, validateHubEnvironment } from '@hub/platform';

/**
 * Operator commands, run against the same store as the hub (`npm run hub -- <command>`).
 * On the embedded store, stop the hub first: one process owns the PGlite data folder.
 */
const USAGE = `Usage: npm run hub -- <command> [options]

Commands:
  org:create <name> [--email <address>]     create an organization and its first user; prints both secrets once
  user:create <organizationId> --email <address>
                                            add a user to an organization; prints its secret once
  key:generate                              print a new HUB_ENCRYPTION_KEY value (32 random bytes, base64)

The store is the one the hub uses: DATABASE_URL (PostgreSQL) or the embedded store in HUB_DATA_DIR (default .data).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  if (command !== 'org:create' && command !== 'user:create') {
    process.stderr.write(`Unknown command '${command}'.\n\n${USAGE}\n`);
    return 2;
  }
  const env = validateHubEnvironment(process.env);
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
        user: { emailAddress: values.email ?? 'admin@localhost' },
      });
      process.stdout.write(
        `Organization ${created.organization.id} "${created.organization.name}", user ${created.user.id} <${created.user.emailAddress}>\n` +
          `Authorization: User ${created.user.secret}, Organization ${created.organization.secret}\n` +
          'These secrets are shown once: the hub keeps only their hashes.\n',
      );
    } else {
      const organizationId = Number(rest[0]);
      if (!Number.isInteger(organizationId) || organizationId < 1 || !values.email) {
        throw new Error('user:create needs an organization id and --email: npm run hub -- user:create 1 --email dev@acme.example');
      }
      const user = await store.tenants.createUserInOrganization(organizationId, { emailAddress: values.email });
      process.stdout.write(
        `User ${user.id} <${user.emailAddress}> in organization ${organizationId}\nUser secret: ${user.secret}\n` +
          'Shown once: the hub keeps only its hash. The organization secret is unchanged.\n',
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
