import { STORE } from '@hub/runtime';
import type { CreatedOrganization, Store } from '@hub/store';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * First start on an empty store: create an organization and a user. Their secrets are shown once,
 * on the terminal, in the start-up block main.ts prints after "listening" (`startUpBanner`), never
 * in the structured log: secrets never go there. They are stored hashed and encrypted; after this
 * they can be read only by logging in (once the user has a password: `npm run user:password -- <id>`)
 * or replaced by rotating them.
 */
@Injectable()
export class FirstOrganizationBootstrap implements OnApplicationBootstrap {
  static readonly ENABLED = Symbol('FIRST_ORGANIZATION_ENABLED');
  private created?: CreatedOrganization;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(FirstOrganizationBootstrap.ENABLED) private readonly enabled: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled || (await this.store.tenants.countOrganizations()) > 0) return;
    this.created = await this.store.tenants.createOrganization({
      name: 'Default Organization',
      user: { emailAddress: 'admin@localhost', firstName: 'Hub', lastName: 'Admin' },
    });
  }

  /** What this start created, handed out once (its secrets are then forgotten by this process). */
  takeCreated(): CreatedOrganization | undefined {
    const created = this.created;
    this.created = undefined;
    return created;
  }
}

const RULE = '='.repeat(78);

/**
 * The block main.ts prints once the hub listens: where it is, and on a first start the new
 * organization's secrets (shown this once). Plain text on stdout, not a log record.
 */
export function startUpBanner(options: { baseUrl: string; metrics: string; created?: CreatedOrganization }): string {
  const { baseUrl, created } = options;
  const lines = [
    '',
    RULE,
    ` Messaging hub listening on ${baseUrl}/elements/api-v2`,
    `   API docs:   ${baseUrl}/elements/api-v2/docs`,
    `   Admin app:  ${baseUrl}/admin/`,
    `   Probes:     ${baseUrl}/health/live, ${baseUrl}/health/ready`,
    `   Metrics:    ${options.metrics}`,
  ];
  if (created) {
    lines.push(
      RULE,
      ` First start: created organization "${created.organization.name}" (id ${created.organization.id})`,
      ` and user ${created.user.emailAddress} (id ${created.user.id}).`,
      ' Their secrets are shown this once (the hub keeps them hashed and encrypted):',
      '',
      `   User secret:         ${created.user.secret}`,
      `   Organization secret: ${created.organization.secret}`,
      '',
      ' Call the platform API with this header:',
      `   Authorization: User ${created.user.secret}, Organization ${created.organization.secret}`,
    );
  }
  lines.push(RULE, '', '');
  return lines.join('\n');
}
