import type { Tenant } from '@hub/store';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { InstanceIdPipe, pageRequestOf, setPageHeaders } from '@hub/http';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';
import { ConfigurationEntryPatchDto, InstanceInputDto, ListInstancesQueryDto } from './instance.dto';
import { InstancesService } from './instances.service';

@ApiTags('instances')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstancesController {
  constructor(private readonly instances: InstancesService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Provision an element instance (checks the credentials with the vendor)' })
  provision(@CurrentTenant() tenant: Tenant, @Body() body: InstanceInputDto) {
    return this.instances.provision(tenant, body);
  }

  @Get()
  @ApiOperation({ summary: 'List instances, filtered by tags[] and searchText, paginated by page/pageSize' })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Query() query: ListInstancesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { page, pageSize } = pageRequestOf(query, 100);
    const tags = [...(query['tags[]'] ?? []), ...(query.tags ?? [])];
    const { items, total } = await this.instances.list(tenant, { tags, searchText: query.searchText, page, pageSize });
    setPageHeaders(reply, { page, pageSize, total, returned: items.length });
    return items;
  }

  @Get(':id')
  get(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.instances.get(tenant, id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an instance: name, tags, settings; configuration merged and re-checked' })
  replace(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Body() body: InstanceInputDto) {
    return this.instances.update(tenant, id, body, 'full');
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change part of an instance; configuration changes apply at once' })
  patch(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number, @Body() body: InstanceInputDto) {
    return this.instances.update(tenant, id, body, 'partial');
  }

  @Delete(':id')
  @HttpCode(200)
  async delete(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    await this.instances.delete(tenant, id);
    return {};
  }

  @Get(':id/configuration')
  configuration(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.instances.configuration(tenant, id);
  }

  @Patch(':id/configuration/:configId')
  patchConfiguration(
    @CurrentTenant() tenant: Tenant,
    @Param('id', InstanceIdPipe) id: number,
    @Param('configId') configId: string,
    @Body() body: ConfigurationEntryPatchDto,
  ) {
    return this.instances.patchConfigurationEntry(tenant, id, configId, body);
  }

  @Put(':id/enabled')
  enable(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.instances.setEnabled(tenant, id, true);
  }

  @Delete(':id/enabled')
  disable(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.instances.setEnabled(tenant, id, false);
  }
}
