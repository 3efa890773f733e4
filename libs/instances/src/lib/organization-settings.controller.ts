import { ChangeFeed, STORE } from '@hub/runtime';
import type { Store, OrganizationSettings, Tenant } from '@hub/store';
import { Body, Controller, Get, Inject, Patch, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';

/** The organization-wide setting of the same name as the instance configuration entry. */
export const ORGANIZATION_STRICT_PARAMETERS = 'request.parameters.strict';

/** PATCH /organizations/settings: the settings to change. */
export class OrganizationSettingsDto {
  @ApiProperty({
    name: ORGANIZATION_STRICT_PARAMETERS,
    required: false,
    type: Boolean,
    description:
      'true: hub calls on every instance of the organization refuse query and body parameters their resource does not take (400 naming them), ' +
      'whatever the instance’s own request.parameters.strict; false: each instance decides (by default unknown parameters are passed on or dropped and named in Elements-Warning)',
  })
  @IsBoolean()
  @IsOptional()
  [ORGANIZATION_STRICT_PARAMETERS]?: boolean;
}

const view = (settings: OrganizationSettings) => ({ [ORGANIZATION_STRICT_PARAMETERS]: settings.strictParameters });

/** Settings of the caller's organization, for all its instances. Hub calls on every replica see a change at once (the change feed). */
@ApiTags('organizations')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('organizations/settings')
export class OrganizationSettingsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly changes: ChangeFeed,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The organization’s settings: request.parameters.strict' })
  async get(@CurrentTenant() tenant: Tenant) {
    return view(await this.store.tenants.organizationSettings(tenant));
  }

  @Patch()
  @ApiOperation({ summary: 'Change the organization’s settings, e.g. {"request.parameters.strict": true} (strict parameter checks on every instance)' })
  async update(@CurrentTenant() tenant: Tenant, @Body() body: OrganizationSettingsDto) {
    const strict = body[ORGANIZATION_STRICT_PARAMETERS];
    const settings = await this.store.tenants.setOrganizationSettings(tenant, strict === undefined ? {} : { strictParameters: strict });
    this.changes.publish({ kind: 'organization', organizationId: tenant.organizationId });
    return view(settings);
  }
}
