export * from './lib/errors';
export * from './lib/deadline';
export * from './lib/descriptors';
export * from './lib/element';
export * from './lib/resources';
export * from './lib/ceql';
export * from './lib/events';
export * from './lib/common-resources';
