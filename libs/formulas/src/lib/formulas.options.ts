import type { ScriptLimits } from './sandbox';

export const FORMULAS_OPTIONS = Symbol('FORMULAS_OPTIONS');
/** Wakes this process's formula worker (new executions were just stored); absent where no worker runs. */
export const FORMULA_WAKE = Symbol('FORMULA_WAKE');
export type FormulaWake = () => void;

/** How this process takes part in running formulas (the event engine's settings decide most of it). */
export interface FormulasOptions {
  /** Run formula executions and schedules in this process (where the event workers run). */
  readonly workers: boolean;
  /** This process's name in leases. */
  readonly owner: string;
  /** An execution's claim is lost after this unless its worker renews it (a worker that dies: another one runs it again). */
  readonly leaseMs: number;
  readonly idleMs: number;
  /** Executions run at once by this process. */
  readonly concurrency: number;
  /** httpRequest steps may call loopback and private addresses (as event callbacks may). */
  readonly allowPrivateUrls: boolean;
  readonly scriptLimits: ScriptLimits;
  /** How long an execution that ended `retry` (retryFormulaExecution) waits before it runs again. */
  readonly retryDelayMs: number;
  /** Timeout of one httpRequest step attempt. */
  readonly httpTimeoutMs: number;
}
