import { NotFoundError } from '@hub/element-sdk';
import { InstanceIdPipe } from '@hub/http';
import { type HubCaller, CurrentHubCaller, HubAuthGuard } from '@hub/runtime';
import { CurrentTenant, ElementCatalog, PlatformAuthGuard } from '@hub/runtime';
import type { DefinitionScope, Tenant, TransformationScope } from '@hub/store';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { checkObjectName, CommonResourcesService } from './common-resources.service';

const ORGANIZATION: DefinitionScope = { level: 'organization' };

const instanceScope = (instanceId: number) => ({ level: 'instance', instanceId }) as const;

/** Common objects and transformations of the whole organization. */
@ApiTags('common resources')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('organizations')
export class OrganizationResourcesController {
  constructor(
    private readonly resources: CommonResourcesService,
    private readonly catalog: ElementCatalog,
  ) {}

  @Get('objects/definitions')
  @ApiOperation({ summary: 'Every common object defined for the organization' })
  listDefinitions(@CurrentTenant() tenant: Tenant) {
    return this.resources.listDefinitions(tenant, ORGANIZATION);
  }

  @Post('objects/:objectName/definitions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Define a common object: {"fields": [{"path": "from", "type": "string"}]}; an empty body defines a shipped object (messages) as shipped (409 if it exists)' })
  createDefinition(@CurrentTenant() tenant: Tenant, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.createDefinition(tenant, ORGANIZATION, name, body);
  }

  @Get('objects/:objectName/definitions')
  getDefinition(@CurrentTenant() tenant: Tenant, @Param('objectName') name: string) {
    return this.resources.getDefinition(tenant, ORGANIZATION, name);
  }

  @Put('objects/:objectName/definitions')
  replaceDefinition(@CurrentTenant() tenant: Tenant, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.replaceDefinition(tenant, ORGANIZATION, name, body);
  }

  @Delete('objects/:objectName/definitions')
  deleteDefinition(@CurrentTenant() tenant: Tenant, @Param('objectName') name: string) {
    return this.resources.deleteDefinition(tenant, ORGANIZATION, name);
  }

  @Get('elements/:keyOrId/transformations')
  @ApiOperation({ summary: 'The organization’s transformations for an element' })
  listTransformations(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string) {
    return this.resources.listTransformations(tenant, this.elementScope(keyOrId));
  }

  @Post('elements/:keyOrId/transformations/:objectName')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Map an element’s vendor resource onto a common object for every instance of the organization (409 if it exists)',
    description: 'An empty body adopts the element’s own mapping of a shipped common object (GET /elements/{keyOrId}/transformations), defining the object as shipped if the organization has not.',
  })
  createTransformation(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.createTransformation(tenant, this.elementScope(keyOrId), name, body);
  }

  @Get('elements/:keyOrId/transformations/:objectName')
  getTransformation(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string, @Param('objectName') name: string) {
    return this.resources.getTransformation(tenant, this.elementScope(keyOrId), name);
  }

  @Put('elements/:keyOrId/transformations/:objectName')
  replaceTransformation(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.replaceTransformation(tenant, this.elementScope(keyOrId), name, body);
  }

  @Delete('elements/:keyOrId/transformations/:objectName')
  deleteTransformation(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string, @Param('objectName') name: string) {
    return this.resources.deleteTransformations(tenant, this.elementScope(keyOrId), name);
  }

  private elementScope(keyOrId: string): TransformationScope {
    return { level: 'organization', elementId: this.catalog.find(keyOrId).metadata.id };
  }
}

/** Common objects and transformations of one instance (they override the organization's). */
@ApiTags('common resources')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstanceResourcesController {
  constructor(private readonly resources: CommonResourcesService) {}

  @Post(':id/objects/:objectName/definitions')
  @HttpCode(200)
  createDefinition(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.createDefinition(tenant, instanceScope(id), name, body);
  }

  @Get(':id/objects/:objectName/definitions')
  getDefinition(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string) {
    return this.resources.getDefinition(tenant, instanceScope(id), name);
  }

  @Put(':id/objects/:objectName/definitions')
  replaceDefinition(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.replaceDefinition(tenant, instanceScope(id), name, body);
  }

  @Delete(':id/objects/:objectName/definitions')
  deleteDefinition(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string) {
    return this.resources.deleteDefinition(tenant, instanceScope(id), name);
  }

  @Get(':id/transformations')
  listTransformations(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.resources.listTransformations(tenant, instanceScope(id));
  }

  @Delete(':id/transformations')
  deleteTransformations(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.resources.deleteTransformations(tenant, instanceScope(id));
  }

  @Post(':id/transformations/:objectName')
  @HttpCode(200)
  createTransformation(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.createTransformation(tenant, instanceScope(id), name, body);
  }

  @Get(':id/transformations/:objectName')
  getTransformation(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string) {
    return this.resources.getTransformation(tenant, instanceScope(id), name);
  }

  @Put(':id/transformations/:objectName')
  replaceTransformation(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string, @Body() body: unknown) {
    return this.resources.replaceTransformation(tenant, instanceScope(id), name, body);
  }

  @Delete(':id/transformations/:objectName')
  deleteTransformation(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Param('objectName') name: string) {
    return this.resources.deleteTransformations(tenant, instanceScope(id), name);
  }
}

/** What an element ships about common objects (a catalog fact, the same for every organization). */
@ApiTags('common resources')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('elements')
export class ElementTransformationsController {
  constructor(private readonly resources: CommonResourcesService) {}

  @Get(':keyOrId/transformations')
  @ApiOperation({
    summary: 'The element’s own mappings: of shipped common objects (level shipped, adopted with an empty POST to the organization’s transformation), and its old-platform defaults (level default, applied until the organization maps the object)',
  })
  shipped(@Param('keyOrId') keyOrId: string) {
    return this.resources.shippedTransformations(keyOrId);
  }
}

/** What an instance offers, asked with its Element token: vendor resources and common objects. */
@ApiTags('common resources')
@UseGuards(HubAuthGuard)
@Controller('objects')
export class ObjectsController {
  constructor(
    private readonly resources: CommonResourcesService,
    private readonly catalog: ElementCatalog,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The object names this instance offers: its vendor resources and the common objects defined for it',
    description: "With `Elements-Version: Helium`, each as {name, type}: type 'vdr' for a common object (the hub maps it), 'vendor' for a vendor resource.",
  })
  async names(@CurrentHubCaller() caller: HubCaller, @Headers('elements-version') version?: string) {
    const element = this.catalog.byId(caller.instance.elementId);
    const common = new Set(
      [
        ...(await this.resources.listDefinitions(caller.tenant, { level: 'instance', instanceId: caller.instance.id })),
        ...(await this.resources.listDefinitions(caller.tenant, { level: 'organization' })),
      ].map((d) => d.objectName),
    );
    const names = [...new Set([...element.resources.map((r) => r.name), ...common])];
    if (version?.trim().toLowerCase() !== 'helium') return names;
    return names.map((name) => ({ name, type: common.has(name) ? 'vdr' : 'vendor' }));
  }

  @Get(':objectName/definitions')
  @ApiOperation({ summary: 'The fields of one object: a common object’s definition, or a vendor resource’s declared model' })
  async definition(@CurrentHubCaller() caller: HubCaller, @Param('objectName') name: string) {
    const definition = await this.resources.effectiveDefinition(caller.tenant, caller.instance.id, checkObjectName(name));
    if (definition) return { objectName: name, fields: definition.fields };
    const resource = this.catalog.byId(caller.instance.elementId).resources.find((r) => r.name === name);
    if (resource) return { objectName: name, vendor: true, fields: resource.fields.map((f) => ({ path: f.path, type: f.type })) };
    throw new NotFoundError(`'${name}' is neither a resource of this instance nor a defined object`);
  }
}
