import { NotFoundError } from '@hub/element-sdk';
import { InstanceIdPipe, pageRequestOf, setPageHeaders } from '@hub/http';
import { CurrentTenant, STORE, PlatformAuthGuard } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

@ApiTags('instances')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class InstanceTracesController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get(':id/traces')
  @ApiOperation({ summary: 'The vendor requests recorded while traceLoggingEnabled is on, newest first (secrets redacted)' })
  async traces(
    @CurrentTenant() tenant: Tenant,
    @Param('id', InstanceIdPipe) id: number,
    @Query('page') pageText: string | undefined,
    @Query('pageSize') pageSizeText: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const instance = await this.store.instances.findById(tenant, id);
    if (!instance) throw new NotFoundError(`No instance with id ${id}`);
    const { page, pageSize } = pageRequestOf({ page: pageText, pageSize: pageSizeText }, 50);
    const { items, total } = await this.store.traces.list(tenant, instance.id, { skip: (page - 1) * pageSize, take: pageSize });
    setPageHeaders(reply, { page, pageSize, total, returned: items.length });
    return items.map((t) => ({ ...t, createdDate: t.createdDate.toISOString() }));
  }
}
