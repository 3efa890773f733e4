export * from './lib/connection-pool';
export * from './lib/hub-auth.guard';
export * from './lib/hub.module';
export * from './lib/hub.service';
export * from './lib/instance-openapi';
export * from './lib/page-tokens';
export * from './lib/request-parameters';
export * from './lib/response-shaping';
