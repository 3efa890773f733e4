import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/**
 * Tenant scripts (script and filter steps) run in QuickJS compiled to WebAssembly: each step run
 * gets a runtime of its own (its own heap, garbage collector and job queue) with a memory limit, a
 * stack limit and a CPU-time deadline checked by the interrupt handler. The runtime is given only
 * JSON copies of `trigger`, `steps`, `config` and `info`, plus `done` and `console.log`, which hand
 * text back to the host: no object of the host, no `process`, `require`, timers, network or file
 * system exists inside. Node's `vm` is not used: it is not a security boundary.
 */

export interface ScriptLimits {
  /** CPU time one step run may take (compiling and running, promises included). */
  readonly timeoutMs: number;
  /** The runtime's heap. */
  readonly memoryBytes: number;
  /** console.log calls kept per step run, each cut at 10 KB. */
  readonly maxConsoleEntries: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { timeoutMs: 5_000, memoryBytes: 32 * 1024 * 1024, maxConsoleEntries: 100 };

export interface ScriptGlobals {
  readonly trigger: unknown;
  readonly steps: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly info: Readonly<Record<string, unknown>>;
}

export type ScriptEngine = 'v1' | 'v2';

export type ScriptOutcome =
  | { readonly ok: true; readonly value: unknown; readonly console: string[] }
  | { readonly ok: false; readonly error: string; readonly console: string[] };

const MAX_STACK_BYTES = 256 * 1024;
const MAX_CONSOLE_ENTRY = 10_000;

const PRELUDE = `
'use strict';
(() => {
  const input = JSON.parse(globalThis.__input);
  const hostDone = globalThis.__done, hostLog = globalThis.__log, hostFail = globalThis.__fail, hostBody = globalThis.__triggerBody;
  for (const name of ['__input', '__done', '__log', '__fail', '__triggerBody']) delete globalThis[name];
  if (hostBody !== undefined && input.trigger !== null && typeof input.trigger === 'object') {
    // trigger.body (an event's whole notification) is parsed on first read only: most scripts read trigger.event.
    let body, read = false;
    Object.defineProperty(input.trigger, 'body', {
      get() { if (!read) { body = JSON.parse(hostBody()); read = true; } return body; },
      set(value) { body = value; read = true; },
      enumerable: true,
      configurable: true,
    });
  }
  const text = (v) => typeof v === 'string' ? v : (v === undefined ? 'undefined' : (() => { try { return JSON.stringify(v); } catch (e) { return String(v); } })());
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
  define('trigger', input.trigger);
  define('steps', input.steps);
  define('config', input.config);
  define('info', input.info);
  define('console', Object.freeze({ log: (...args) => hostLog(args.map(text).join(' ')) }));
  define('done', (value) => hostDone(value === undefined ? '' : JSON.stringify(value)));
  define('__fail', (error) => hostFail(error instanceof Error ? (error.message || String(error)) : text(error)));
})();
`;

/** Runs tenant scripts; create one per process (the WebAssembly module is compiled once). */
export class ScriptSandbox {
  private module: Promise<QuickJSWASMModule> | undefined;

  constructor(private readonly limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS) {}

  private quickjs(): Promise<QuickJSWASMModule> {
    this.module ??= newQuickJSWASMModuleFromVariant(variant);
    return this.module;
  }

  /**
   * Checks a v2 body at creation without running it: a `return` outside a function is a syntax
   * error here; returns the compiler's message, or undefined when the body compiles.
   */
  async syntaxError(body: string): Promise<string | undefined> {
    const quickjs = await this.quickjs();
    const runtime = quickjs.newRuntime();
    try {
      runtime.setMemoryLimit(this.limits.memoryBytes);
      runtime.setMaxStackSize(MAX_STACK_BYTES);
      const deadline = Date.now() + this.limits.timeoutMs;
      runtime.setInterruptHandler(() => Date.now() > deadline);
      const context = runtime.newContext();
      try {
        const result = context.evalCode(body, 'script.js', { compileOnly: true });
        if (result.error) {
          const message = errorText(context, result.error);
          result.error.dispose();
          return message;
        }
        result.value.dispose();
        return undefined;
      } finally {
        context.dispose();
      }
    } finally {
      runtime.dispose();
    }
  }

  /**
   * Runs a script or filter body. v2 (default): async JavaScript that ends with `done(value)`. v1: a
   * function body that `return`s an object.
   */
  async run(body: string, engine: ScriptEngine, globals: ScriptGlobals): Promise<ScriptOutcome> {
    const quickjs = await this.quickjs();
    const consoleEntries: string[] = [];
    let finished: { value: string } | undefined;
    let failure: string | undefined;
    const runtime = quickjs.newRuntime();
    let timedOut = false;
    try {
      runtime.setMemoryLimit(this.limits.memoryBytes);
      runtime.setMaxStackSize(MAX_STACK_BYTES);
      const deadline = Date.now() + this.limits.timeoutMs;
      runtime.setInterruptHandler(() => {
        if (Date.now() <= deadline) return false;
        timedOut = true;
        return true;
      });
      const context = runtime.newContext();
      try {
        const { trigger, triggerBody } = splitTriggerBody(globals.trigger);
        const input = context.newString(JSON.stringify({ trigger, steps: globals.steps, config: globals.config, info: globals.info }));
        context.setProp(context.global, '__input', input);
        input.dispose();
        if (triggerBody !== undefined) {
          const fn = context.newFunction('__triggerBody', () => context.newString(triggerBody));
          context.setProp(context.global, '__triggerBody', fn);
          fn.dispose();
        }
        this.hostFunction(context, '__done', (text) => {
          if (finished === undefined && failure === undefined) finished = { value: text };
        });
        this.hostFunction(context, '__fail', (text) => {
          if (finished === undefined && failure === undefined) failure = text;
        });
        this.hostFunction(context, '__log', (text) => {
          if (consoleEntries.length < this.limits.maxConsoleEntries) consoleEntries.push(text.slice(0, MAX_CONSOLE_ENTRY));
        });
        const prelude = context.evalCode(PRELUDE, 'prelude.js');
        if (prelude.error) {
          const message = errorText(context, prelude.error);
          prelude.error.dispose();
          throw new Error(`sandbox prelude failed: ${message}`);
        }
        prelude.value.dispose();

        const code =
          engine === 'v1'
            ? `(function () {\n${body}\n})()`
            : `(async () => {\n${body}\n})().catch((e) => __fail(e)); undefined`;
        const result = context.evalCode(code, 'script.js');
        if (result.error) {
          const message = errorText(context, result.error);
          result.error.dispose();
          return this.failed(engine, timedOut ? 'timeout' : message, consoleEntries);
        }
        if (engine === 'v1') {
          const returned = this.returned(context, result.value);
          result.value.dispose();
          if (returned === undefined || returned === null || typeof returned !== 'object') {
            return { ok: false, error: 'The step did not return any values', console: consoleEntries };
          }
          return { ok: true, value: returned, console: consoleEntries };
        }
        result.value.dispose();
        // Promises settle by running the job queue: nothing inside can wait on the host.
        for (;;) {
          const jobs = runtime.executePendingJobs();
          if (jobs.error) {
            const message = errorText(context, jobs.error);
            jobs.error.dispose();
            return this.failed(engine, timedOut ? 'timeout' : message, consoleEntries);
          }
          if (jobs.value === 0 || finished !== undefined || failure !== undefined) break;
        }
        if (failure !== undefined && /out of memory/i.test(failure)) return this.failed(engine, failure, consoleEntries);
        if (timedOut) return this.failed(engine, 'timeout', consoleEntries);
        if (failure !== undefined) return { ok: false, error: failure, console: consoleEntries };
        if (finished === undefined) return { ok: false, error: 'The script ended without calling done()', console: consoleEntries };
        return { ok: true, value: finished.value === '' ? undefined : JSON.parse(finished.value), console: consoleEntries };
      } finally {
        context.dispose();
      }
    } catch (error) {
      // The WebAssembly module itself failed (not the script): start a fresh one for the next run.
      if (!(error instanceof Error && error.message.startsWith('sandbox prelude'))) this.module = undefined;
      return { ok: false, error: `Script execution failed: ${(error as Error).message}`, console: consoleEntries };
    } finally {
      try {
        runtime.dispose();
      } catch {
        this.module = undefined;
      }
    }
  }

  private failed(engine: ScriptEngine, message: string, consoleEntries: string[]): ScriptOutcome {
    if (message === 'timeout') {
      return { ok: false, error: `Script execution timed out (CPU time limit ${this.limits.timeoutMs} ms)`, console: consoleEntries };
    }
    if (/out of memory/i.test(message)) {
      return { ok: false, error: `Script execution failed: out of memory (limit ${Math.round(this.limits.memoryBytes / 1024 / 1024)} MB)`, console: consoleEntries };
    }
    return { ok: false, error: engine === 'v1' ? `Script execution failed with message: ${message}` : message, console: consoleEntries };
  }

  /** What a v1 body returned, as JSON data (functions and the like drop out). */
  private returned(context: QuickJSContext, handle: QuickJSHandle): unknown {
    const stringify = context.getProp(context.global, 'JSON');
    const fn = context.getProp(stringify, 'stringify');
    const result = context.callFunction(fn, stringify, handle);
    fn.dispose();
    stringify.dispose();
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    const text = context.typeof(result.value) === 'string' ? context.getString(result.value) : undefined;
    result.value.dispose();
    return text === undefined ? undefined : JSON.parse(text);
  }

  private hostFunction(context: QuickJSContext, name: string, receive: (text: string) => void): void {
    const fn = context.newFunction(name, (arg) => {
      receive(context.typeof(arg) === 'string' ? context.getString(arg) : '');
    });
    context.setProp(context.global, name, fn);
    fn.dispose();
  }
}

/**
 * An event trigger carries its whole notification as `body` (the reference's trigger.body), which
 * can be the largest part of the input by far (every event of the poll or webhook): it goes in as
 * its own text, read by the prelude on first access, so a script that never reads it never pays for it.
 */
function splitTriggerBody(trigger: unknown): { trigger: unknown; triggerBody?: string } {
  if (trigger === null || typeof trigger !== 'object' || Array.isArray(trigger) || !('body' in trigger)) return { trigger: trigger ?? null };
  const { body, ...rest } = trigger as Record<string, unknown>;
  if (body === undefined) return { trigger: rest };
  return { trigger: rest, triggerBody: JSON.stringify(body) };
}

function errorText(context: QuickJSContext, handle: QuickJSHandle): string {
  const dumped: unknown = context.dump(handle);
  if (dumped && typeof dumped === 'object') {
    const { name, message } = dumped as { name?: unknown; message?: unknown };
    if (typeof message === 'string') return name === 'InternalError' && message === 'interrupted' ? 'timeout' : `${typeof name === 'string' && name !== 'Error' ? `${name}: ` : ''}${message}`;
  }
  return typeof dumped === 'string' ? dumped : JSON.stringify(dumped);
}
