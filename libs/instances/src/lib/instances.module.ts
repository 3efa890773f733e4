import { Module } from '@nestjs/common';
import { AuthenticationController, SecretRotationController } from './authentication.controller';
import { AuthenticationService } from './authentication.service';
import { ElementsController } from './elements.controller';
import { HealthController } from './health.controller';
import { InstancesController } from './instances.controller';
import { InstancesService } from './instances.service';
import { OrganizationSettingsController } from './organization-settings.controller';

/** The platform API: /instances, /elements, /authentication, secret rotation, organization settings, /health. Needs RuntimeModule and StoreModule. */
@Module({
  controllers: [InstancesController, ElementsController, HealthController, AuthenticationController, SecretRotationController, OrganizationSettingsController],
  providers: [InstancesService, AuthenticationService],
  exports: [InstancesService, AuthenticationService],
})
export class InstancesModule {}
