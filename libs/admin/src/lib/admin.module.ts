import { Module } from '@nestjs/common';
import {
  AdminCatalogController,
  AdminEventsController,
  AdminInstancesController,
  AdminOrganizationsController,
  AdminSessionController,
} from './admin.controller';
import { AdminFormulasController, AdminFormulasService } from './admin-formulas';
import { AdminService } from './admin.service';
import { OperatorGuard } from './operator-session';

/**
 * The admin API under /admin: operator sessions, organizations, instances, poller and delivery
 * health, formula executions, the element catalog, rate limits and the audit log. Needs RuntimeModule,
 * StoreModule and the ports (EVENT_OPERATIONS, INSTANCE_OPERATIONS, SECRET_ROTATION, FORMULA_OPERATIONS) bound by the app.
 */
@Module({
  controllers: [AdminSessionController, AdminOrganizationsController, AdminInstancesController, AdminEventsController, AdminCatalogController, AdminFormulasController],
  providers: [AdminService, AdminFormulasService, OperatorGuard],
})
export class AdminModule {}
