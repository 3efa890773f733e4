export * from './lib/common-resources.module';
export * from './lib/common-resources.service';
