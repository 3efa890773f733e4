export * from './subject';
export { describeConformance } from './conformance';
export {
  duplicates,
  parameterProblems,
  walkCursor,
  walkPageIndex,
  withDefaults,
  type Walk,
} from './helpers';
export { Observations, observed, secretValues } from './observer';
