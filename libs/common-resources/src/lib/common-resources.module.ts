import { HubModule } from '@hub/hub';
import { Module } from '@nestjs/common';
import { InstanceResourcesController, ObjectsController, OrganizationResourcesController } from './common-resources.controller';
import { CommonResourcesService } from './common-resources.service';

/** Common objects and transformations (definitions and mappings; their use in hub calls comes next). Needs PlatformModule and StoreModule. */
@Module({
  imports: [HubModule],
  controllers: [OrganizationResourcesController, InstanceResourcesController, ObjectsController],
  providers: [CommonResourcesService],
  exports: [CommonResourcesService],
})
export class CommonResourcesModule {}
