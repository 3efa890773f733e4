export * from './lib/hub-metrics';
export * from './lib/process-state';
export * from './lib/operations-server';
export * from './lib/request-metrics';
