export * from './lib/authorization';
export * from './lib/error-body';
export * from './lib/api-exception.filter';
export * from './lib/validation';
export * from './lib/paging';
export * from './lib/request-limits';
export * from './lib/access-log';
export * from './lib/http-answer';
