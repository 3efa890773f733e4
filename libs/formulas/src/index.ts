export * from './lib/cron';
export * from './lib/formula-model';
export * from './lib/references';
export * from './lib/runner';
export * from './lib/sandbox';
export * from './lib/values';
