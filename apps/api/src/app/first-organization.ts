import { HUB_STORE } from '@hub/platform';
import type { CreatedOrganization, HubStore } from '@hub/store';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * First start on an empty store: create an organization and a user and show their secrets
 * once, on the terminal (not in the structured log: secrets never go there). They are stored
 * hashed and encrypted; after this they can be read only by logging in (once the user has a
 * password: `npm run user:password -- <id>`) or replaced by rotating them.
 */
@Injectable()
export class FirstOrganizationBootstrap implements OnApplicationBootstrap {
  static readonly ENABLED = Symbol('FIRST_ORGANIZATION_ENABLED');

  constructor(
    @Inject(HUB_STORE) private readonly store: HubStore,
    @Inject(FirstOrganizationBootstrap.ENABLED) private readonly enabled: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled || (await this.store.tenants.countOrganizations()) > 0) return;
    const created = await this.store.tenants.createOrganization({
      name: 'Default Organization',
      user: { emailAddress: 'admin@localhost', firstName: 'Hub', lastName: 'Admin' },
    });
    process.stdout.write(firstOrganizationBanner(created));
  }
}

export function firstOrganizationBanner(created: CreatedOrganization): string {
  const header = `Authorization: User ${created.user.secret}, Organization ${created.organization.secret}`;
  return [
    '',
    '============================================================================',
    ` Created organization "${created.organization.name}" (id ${created.organization.id})`,
    ` and user ${created.user.emailAddress} (id ${created.user.id}).`,
    ' Their secrets are shown this once (the hub keeps them hashed and encrypted):',
    '',
    `   User secret:         ${created.user.secret}`,
    `   Organization secret: ${created.organization.secret}`,
    '',
    ' Call the platform API with this header:',
    `   ${header}`,
    '============================================================================',
    '',
  ].join('\n');
}
