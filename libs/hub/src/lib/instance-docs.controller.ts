import { BadRequestError, NotFoundError } from '@hub/element-sdk';
import { CurrentTenant, ElementCatalog, HUB_STORE, PlatformAuthGuard } from '@hub/platform';
import type { HubStore, Tenant } from '@hub/store';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { instanceOpenApi } from './instance-openapi';

@ApiTags('instances')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstanceDocsController {
  constructor(
    @Inject(HUB_STORE) private readonly store: HubStore,
    private readonly catalog: ElementCatalog,
  ) {}

  @Get(':id/docs')
  @ApiOperation({ summary: "OpenAPI description of the instance's hub resources" })
  async docs(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    if (!/^\d{1,9}$/.test(id) || Number(id) < 1) throw new BadRequestError(`instance id must be a positive integer, not '${id}'`);
    const instance = await this.store.instances.findById(tenant, Number(id));
    if (!instance) throw new NotFoundError(`No instance with id ${id}`);
    return instanceOpenApi(this.catalog.byId(instance.elementId), instance);
  }
}
