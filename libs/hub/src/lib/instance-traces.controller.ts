import { BadRequestError, NotFoundError } from '@hub/element-sdk';
import { CurrentTenant, HUB_STORE, PlatformAuthGuard } from '@hub/platform';
import type { HubStore, Tenant } from '@hub/store';
import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

const positive = (name: string, value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new BadRequestError(`${name} must be an integer from 1 to ${max}, not '${value}'`);
  }
  return Number(value);
};

@ApiTags('instances')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstanceTracesController {
  constructor(@Inject(HUB_STORE) private readonly store: HubStore) {}

  @Get(':id/traces')
  @ApiOperation({ summary: 'The vendor requests recorded while traceLoggingEnabled is on, newest first (secrets redacted)' })
  async traces(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('page') pageText: string | undefined,
    @Query('pageSize') pageSizeText: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!/^\d{1,9}$/.test(id) || Number(id) < 1) throw new BadRequestError(`instance id must be a positive integer, not '${id}'`);
    const instance = await this.store.instances.findById(tenant, Number(id));
    if (!instance) throw new NotFoundError(`No instance with id ${id}`);
    const page = positive('page', pageText, 1, 1_000_000);
    const pageSize = positive('pageSize', pageSizeText, 50, 500);
    const { items, total } = await this.store.traces.list(tenant, instance.id, { skip: (page - 1) * pageSize, take: pageSize });
    reply.header('Elements-Total-Count', String(total));
    reply.header('Elements-Returned-Count', String(items.length));
    if (page * pageSize < total) reply.header('Elements-Next-Page-Token', String(page + 1));
    return items.map((t) => ({ ...t, createdDate: t.createdDate.toISOString() }));
  }
}
