export * from './lib/database';
export * from './lib/elements.repository';
export * from './lib/hub-store';
export * from './lib/instances.repository';
export { createPGlite } from './lib/pglite';
export * from './lib/secret-box';
export type { Tenant } from './lib/tenant';
export * from './lib/tenants.repository';
export * from './lib/traces.repository';
