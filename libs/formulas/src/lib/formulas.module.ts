import { newOwnerId } from '@hub/runtime';
import { type BeforeApplicationShutdown, type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { FormulaWorker } from './formula-worker';
import { FormulasController } from './formulas.controller';
import { FORMULA_WAKE, FORMULAS_OPTIONS, type FormulasOptions } from './formulas.options';
import { FormulasService } from './formulas.service';
import { RequestTriggers } from './request-trigger';
import { DEFAULT_SCRIPT_LIMITS, ScriptSandbox } from './sandbox';

/** The formulas' settings where the event engine's apply: workers run where the event workers run, with the same lease. */
export function formulasOptionsFrom(
  events: { readonly workers: boolean; readonly leaseMs: number; readonly idleMs: number; readonly allowPrivateCallbackUrls: boolean },
  overrides: Partial<FormulasOptions> = {}): FormulasOptions {
  return {
    workers: events.workers,
    owner: newOwnerId(),
    leaseMs: events.leaseMs,
    idleMs: events.idleMs,
    concurrency: 16,
    allowPrivateUrls: events.allowPrivateCallbackUrls,
    scriptLimits: DEFAULT_SCRIPT_LIMITS,
    retryDelayMs: 30_000,
    httpTimeoutMs: Math.min(10_000, Math.floor(events.leaseMs / 3)),
    ...overrides,
  };
}

@Injectable()
class FormulaWorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('FormulaWorker');

  constructor(
    @Inject(FORMULAS_OPTIONS) private readonly options: FormulasOptions,
    private readonly worker: FormulaWorker,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.workers) return;
    this.worker.start();
    this.logger.log(`formula worker started (${this.options.owner})`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.options.workers) return;
    await this.worker.stop();
    this.logger.log('formula worker stopped; its executions were given back');
  }
}

/**
 * Formulas (issue 19): the /formulas API, and (when `workers`) the worker that runs executions and
 * starts schedules. Needs RuntimeModule and StoreModule; events start executions through the store.
 */
@Module({})
export class FormulasModule {
  static forRoot(options: FormulasOptions): DynamicModule {
    return {
      module: FormulasModule,
      controllers: [FormulasController],
      providers: [
        { provide: FORMULAS_OPTIONS, useValue: options },
        { provide: ScriptSandbox, useValue: new ScriptSandbox(options.scriptLimits) },
        FormulaWorker,
        {
          provide: FORMULA_WAKE,
          inject: [FormulaWorker],
          useFactory: (worker: FormulaWorker) => (options.workers ? () => worker.wake() : () => undefined),
        },
        RequestTriggers,
        FormulasService,
        FormulaWorkerLifecycle,
      ],
      exports: [FormulasService, RequestTriggers],
    };
  }
}
