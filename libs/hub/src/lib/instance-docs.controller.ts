import { NotFoundError } from '@hub/element-sdk';
import { InstanceIdPipe } from '@hub/http';
import { CurrentTenant, ElementCatalog, STORE, type ResolvedTransformation, PlatformAuthGuard } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { addsToDocumentation } from '@hub/transformations';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { instanceOpenApi } from './instance-openapi';
import { TransformationLookup } from './transformation-lookup';

@ApiTags('instances')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstanceDocsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: ElementCatalog,
    private readonly mappings: TransformationLookup,
  ) {}

  @Get(':id/docs')
  @ApiOperation({
    summary: "OpenAPI description of the instance's hub resources",
    description: 'A transformed object whose transformation has addToDocumentation is described with its common fields.',
  })
  async docs(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    const instance = await this.store.instances.findById(tenant, id);
    if (!instance) throw new NotFoundError(`No instance with id ${id}`);
    const element = this.catalog.byId(instance.elementId);
    const [shared, own] = await Promise.all([
      this.store.commonResources.listTransformations(tenant, { level: 'organization', elementId: element.metadata.id }),
      this.store.commonResources.listTransformations(tenant, { level: 'instance', instanceId: instance.id }),
    ]);
    const names = new Set([...element.resources.map((r) => r.name), ...shared.map((t) => t.objectName), ...own.map((t) => t.objectName)]);
    const documented: ResolvedTransformation[] = [];
    for (const name of names) {
      const mapping = await this.mappings.resolve(tenant, instance, element, name);
      if (mapping && addsToDocumentation(mapping.transformation)) documented.push(mapping);
    }
    return instanceOpenApi(element, instance, documented);
  }
}
