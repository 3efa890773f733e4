export * from './lib/instances.module';
export * from './lib/instances.service';
export * from './lib/authentication.service';
export * from './lib/views';
