export * from './lib/notification';
export * from './lib/delivery-signature';
export * from './lib/retry-policy';
export * from './lib/circuit-breaker';
export * from './lib/ip-address';
export * from './lib/callback-url';
export * from './lib/deliver';
export * from './lib/vendor-url';
