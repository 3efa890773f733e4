export * from './lib/twiliov2.element';
