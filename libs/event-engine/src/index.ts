export * from './lib/delivery-worker';
export * from './lib/event-engine.module';
export * from './lib/event-engine.options';
export * from './lib/events.service';
export * from './lib/poll-runner';
export * from './lib/poll-scheduler';
