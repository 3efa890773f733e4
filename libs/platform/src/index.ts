export * from './lib/auth.guard';
export * from './lib/element-catalog.service';
export * from './lib/instance-changes';
export * from './lib/instances.service';
export * from './lib/platform.module';
export * from './lib/tokens';
export * from './lib/views';
