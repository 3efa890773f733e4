export * from './lib/admin.module';
export * from './lib/admin.service';
export * from './lib/operator-session';
export * from './lib/admin-formulas';
