import type { Tenant } from '@hub/store';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';
import { ElementCatalog } from '@hub/runtime';
import { InstanceInputDto } from './instance.dto';
import { InstancesService } from './instances.service';
import { descriptorView, elementMetadataView, elementSummaryView, elementView } from './views';

@ApiTags('elements')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('elements')
export class ElementsController {
  constructor(
    private readonly catalog: ElementCatalog,
    private readonly instances: InstancesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The element catalog' })
  async list() {
    const active = await this.catalog.activeStates();
    return this.catalog.elements.map((e) => elementSummaryView(e, active.get(e.metadata.id) ?? true));
  }

  @Get(':keyOrId')
  async get(@Param('keyOrId') keyOrId: string) {
    const element = this.catalog.find(keyOrId);
    return elementView(element, await this.catalog.isActive(element), this.catalog.descriptors(element));
  }

  @Get(':keyOrId/configuration')
  @ApiOperation({ summary: 'Configuration descriptors: key, name, type, required, default, secret, description' })
  configuration(@Param('keyOrId') keyOrId: string) {
    return this.catalog.descriptors(this.catalog.find(keyOrId)).map(descriptorView);
  }

  @Get(':keyOrId/metadata')
  metadata(@Param('keyOrId') keyOrId: string) {
    return elementMetadataView(this.catalog.find(keyOrId));
  }

  @Post(':keyOrId/instances')
  @HttpCode(200)
  @ApiOperation({ summary: 'Provision an instance of this element' })
  provision(@CurrentTenant() tenant: Tenant, @Param('keyOrId') keyOrId: string, @Body() body: InstanceInputDto) {
    return this.instances.provision(tenant, body, keyOrId);
  }
}
