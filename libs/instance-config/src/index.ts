export * from './lib/common-descriptors';
export * from './lib/instance-configuration';
export * from './lib/date-macros';
export * from './lib/poller-configuration';
export * from './lib/instance-settings';
