export * from './lib/delivery-worker';
export * from './lib/events.module';
export * from './lib/events.options';
export * from './lib/events.service';
export * from './lib/poll-runner';
export * from './lib/poll-scheduler';
export * from './lib/group-commit';
