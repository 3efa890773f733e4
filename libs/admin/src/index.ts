export * from './lib/admin.module';
export * from './lib/admin.service';
export * from './lib/operator-session';
