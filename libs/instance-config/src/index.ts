export * from './lib/common-descriptors';
export * from './lib/instance-configuration';
