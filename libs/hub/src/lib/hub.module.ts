import { Module } from '@nestjs/common';
import { HubCallRoute } from './hub-call.route';
import { HubService } from './hub.service';
import { TransformationLookup } from './transformation-lookup';
import { InstanceDocsController } from './instance-docs.controller';
import { InstanceTracesController } from './instance-traces.controller';

/**
 * The hub API: /hubs/{hub}/… calls on an instance (HubCallRoute, which the app registers on Fastify
 * itself), the instances' docs and traces. Needs RuntimeModule and StoreModule.
 */
@Module({
  controllers: [InstanceDocsController, InstanceTracesController],
  providers: [HubService, TransformationLookup, HubCallRoute],
  exports: [HubService, HubCallRoute],
})
export class HubModule {}
