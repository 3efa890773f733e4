import { Module } from '@nestjs/common';
import { ElementTransformationsController, InstanceResourcesController, ObjectsController, OrganizationResourcesController } from './common-resources.controller';
import { CommonResourcesService } from './common-resources.service';

/** Common objects and transformations: definitions and mappings at organization and instance level, and what elements ship. Needs RuntimeModule and StoreModule. */
@Module({
  controllers: [OrganizationResourcesController, InstanceResourcesController, ObjectsController, ElementTransformationsController],
  providers: [CommonResourcesService],
  exports: [CommonResourcesService],
})
export class CommonResourcesModule {}
