import type { ProcessState } from '@hub/metrics';

export const OPERATIONS_OPTIONS = Symbol('OPERATIONS_OPTIONS');

export interface OperationsOptions {
  /** The process's phase, shared with main.ts (its shutdown handler drains it, its metrics port reads it). */
  readonly state: ProcessState;
  /** HUB_METRICS_TOKEN: GET /metrics on the app's own port needs it as a bearer token; unset, /metrics is 404 there. */
  readonly metricsToken?: string;
}
