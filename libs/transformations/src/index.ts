export * from './lib/paths';
export * from './lib/transformation';
