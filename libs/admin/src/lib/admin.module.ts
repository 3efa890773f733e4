import { Module } from '@nestjs/common';
import {
  AdminCatalogController,
  AdminEventsController,
  AdminInstancesController,
  AdminOrganizationsController,
  AdminSessionController,
} from './admin.controller';
import { AdminService } from './admin.service';
import { OperatorGuard } from './operator-session';

/**
 * The admin API under /admin: operator sessions, organizations, instances, poller and delivery
 * health, the element catalog, rate limits and the audit log. Needs RuntimeModule, StoreModule
 * and EVENT_OPERATIONS bound by the app.
 */
@Module({
  controllers: [AdminSessionController, AdminOrganizationsController, AdminInstancesController, AdminEventsController, AdminCatalogController],
  providers: [AdminService, OperatorGuard],
})
export class AdminModule {}
