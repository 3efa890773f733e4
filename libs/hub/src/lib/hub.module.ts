import { Module } from '@nestjs/common';
import { HubAuthGuard } from './hub-auth.guard';
import { HubController } from './hub.controller';
import { HubService } from './hub.service';
import { RateLimiter } from './rate-limiter';
import { ObjectMappings } from './object-mappings';
import { InstanceDocsController } from './instance-docs.controller';
import { InstanceTracesController } from './instance-traces.controller';

/** The hub API: /hubs/{hub}/… calls on an instance. Needs PlatformModule and StoreModule. */
@Module({
  controllers: [HubController, InstanceDocsController, InstanceTracesController],
  providers: [HubService, HubAuthGuard, ObjectMappings, RateLimiter],
  exports: [HubService, RateLimiter],
})
export class HubModule {}
