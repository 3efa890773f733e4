import { BadRequestError } from '@hub/element-sdk';
import type { Tenant } from '@hub/store';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  type PipeTransform,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentTenant, PlatformAuthGuard } from './auth.guard';
import { ConfigurationEntryPatchDto, InstanceInputDto, ListInstancesQueryDto } from './instance.dto';
import { InstancesService } from './instances.service';

/** Path ids are positive integers; anything else is a 400 naming the parameter. */
class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
      throw new BadRequestError(`instance id must be a positive integer, not '${value}'`);
    }
    return Number(value);
  }
}

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
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 100;
    const tags = [...(query['tags[]'] ?? []), ...(query.tags ?? [])];
    const { items, total } = await this.instances.list(tenant, { tags, searchText: query.searchText, page, pageSize });
    reply.header('Elements-Total-Count', String(total));
    reply.header('Elements-Returned-Count', String(items.length));
    if (page * pageSize < total) reply.header('Elements-Next-Page-Token', String(page + 1));
    return items;
  }

  @Get(':id')
  get(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number) {
    return this.instances.get(tenant, id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an instance: name, tags, settings; configuration merged and re-checked' })
  replace(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number, @Body() body: InstanceInputDto) {
    return this.instances.update(tenant, id, body, 'full');
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change part of an instance; configuration changes apply at once' })
  patch(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number, @Body() body: InstanceInputDto) {
    return this.instances.update(tenant, id, body, 'partial');
  }

  @Delete(':id')
  @HttpCode(200)
  async delete(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number) {
    await this.instances.delete(tenant, id);
    return {};
  }

  @Get(':id/configuration')
  configuration(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number) {
    return this.instances.configuration(tenant, id);
  }

  @Patch(':id/configuration/:configId')
  patchConfiguration(
    @CurrentTenant() tenant: Tenant,
    @Param('id', IdPipe) id: number,
    @Param('configId') configId: string,
    @Body() body: ConfigurationEntryPatchDto,
  ) {
    return this.instances.patchConfigurationEntry(tenant, id, configId, body);
  }

  @Put(':id/enabled')
  enable(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number) {
    return this.instances.setEnabled(tenant, id, true);
  }

  @Delete(':id/enabled')
  disable(@CurrentTenant() tenant: Tenant, @Param('id', IdPipe) id: number) {
    return this.instances.setEnabled(tenant, id, false);
  }
}
