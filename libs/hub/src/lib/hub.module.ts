import { Module } from '@nestjs/common';
import { HubController } from './hub.controller';
import { HubService } from './hub.service';
import { TransformationLookup } from './transformation-lookup';
import { InstanceDocsController } from './instance-docs.controller';
import { InstanceTracesController } from './instance-traces.controller';

/** The hub API: /hubs/{hub}/… calls on an instance. Needs RuntimeModule and StoreModule. */
@Module({
  controllers: [HubController, InstanceDocsController, InstanceTracesController],
  providers: [HubService, TransformationLookup],
  exports: [HubService],
})
export class HubModule {}
