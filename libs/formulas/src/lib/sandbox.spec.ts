import { ScriptSandbox } from './sandbox';

const globals = { trigger: { args: { n: 2 } }, steps: { a: { x: 1 } }, config: { k: 'v' }, info: { formulaId: 9 } };

describe('ScriptSandbox', () => {
  const sandbox = new ScriptSandbox({ timeoutMs: 300, memoryBytes: 16 * 1024 * 1024, maxConsoleEntries: 5 });

  it('runs v2 scripts (async, done) with trigger, steps, config, info and console.log', async () => {
    const result = await sandbox.run(
      'const wait = await Promise.resolve(trigger.args.n * 2); console.log("got", {wait}); done({ wait, x: steps.a.x, k: config.k, f: info.formulaId, spread: [...[1, 2]] });',
      'v2',
      globals,
    );
    expect(result).toEqual({ ok: true, value: { wait: 4, x: 1, k: 'v', f: 9, spread: [1, 2] }, console: ['got {"wait":4}'] });
  });

  it('gives an event trigger’s body (its whole notification) as it was, read on first access, in v2 and v1', async () => {
    const body = { message: { events: [{ objectId: 'SM1' }, { objectId: 'SM2' }], raw: { text: 'a "quoted" \u2028 line' } } };
    const event = { trigger: { type: 'event', event: { objectId: 'SM2' }, body }, steps: {}, config: {}, info: {} };
    expect(await sandbox.run('done({ id: trigger.event.objectId })', 'v2', event)).toMatchObject({ ok: true, value: { id: 'SM2' } });
    expect(await sandbox.run('done({ n: trigger.body.message.events.length, same: trigger.body === trigger.body, raw: trigger.body.message.raw })', 'v2', event)).toMatchObject({
      ok: true,
      value: { n: 2, same: true, raw: body.message.raw },
    });
    expect(await sandbox.run('done(JSON.parse(JSON.stringify(trigger)))', 'v2', event)).toMatchObject({ ok: true, value: event.trigger });
    expect(await sandbox.run('trigger.body = { replaced: true }; done(trigger.body)', 'v2', event)).toMatchObject({ ok: true, value: { replaced: true } });
    expect(await sandbox.run('return { keys: Object.keys(trigger), first: trigger.body.message.events[0].objectId };', 'v1', event)).toMatchObject({
      ok: true,
      value: { keys: ['type', 'event', 'body'], first: 'SM1' },
    });
  });

  it('fails a v2 script that throws (with the thrown text) or never calls done()', async () => {
    expect(await sandbox.run("throw('boom')", 'v2', globals)).toMatchObject({ ok: false, error: 'boom' });
    expect(await sandbox.run('throw new Error("bad thing")', 'v2', globals)).toMatchObject({ ok: false, error: 'bad thing' });
    expect(await sandbox.run('const x = 1;', 'v2', globals)).toMatchObject({ ok: false, error: expect.stringMatching(/done\(\)/) });
  });

  it('runs v1 scripts that return an object, and fails those that return nothing', async () => {
    expect(await sandbox.run('return { n: trigger.args.n + 1 };', 'v1', globals)).toMatchObject({ ok: true, value: { n: 3 } });
    expect(await sandbox.run('var x = 1;', 'v1', globals)).toMatchObject({ ok: false, error: 'The step did not return any values' });
    expect(await sandbox.run('return {', 'v1', globals)).toMatchObject({ ok: false, error: expect.stringMatching(/^Script execution failed with message: /) });
  });

  it('ends an endless loop within the CPU-time limit', async () => {
    const started = Date.now();
    const result = await sandbox.run('while (true) {}', 'v2', globals);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    expect(Date.now() - started).toBeLessThan(2_000);
    const v1 = await sandbox.run('for (;;) {}', 'v1', globals);
    expect(v1).toMatchObject({ ok: false, error: expect.stringMatching(/^Script execution timed out/) });
  });

  it('ends catastrophic regular-expression backtracking within the CPU-time limit', async () => {
    expect(await sandbox.run('done(/(a+)+$/.test("a".repeat(40) + "b"))', 'v2', globals)).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
  });

  it('ends an endless promise chain within the CPU-time limit', async () => {
    const result = await sandbox.run('const spin = () => Promise.resolve().then(spin); spin();', 'v2', globals);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
  });

  it('fails an allocation bomb at the memory limit, and the next script runs normally', async () => {
    const roomy = new ScriptSandbox({ timeoutMs: 10_000, memoryBytes: 8 * 1024 * 1024, maxConsoleEntries: 5 });
    const started = Date.now();
    const result = await roomy.run('const a = []; for (;;) a.push([1, 2, 3, 4, 5, 6, 7, 8]);', 'v2', globals);
    expect(result).toMatchObject({ ok: false, error: 'Script execution failed: out of memory (limit 8 MB)' });
    expect(Date.now() - started).toBeLessThan(10_000);
    // Under the CPU limit instead, an allocating loop ends as timed out, within the limit too.
    const tight = await sandbox.run('const a = []; for (;;) a.push({ x: a.length });', 'v2', globals);
    expect(tight).toMatchObject({ ok: false, error: expect.stringMatching(/out of memory|timed out/) });
    expect(await sandbox.run('done({ ok: 1 })', 'v2', globals)).toMatchObject({ ok: true, value: { ok: 1 } });
  });

  it('fails unbounded recursion without harming the host', async () => {
    expect(await sandbox.run('const f = () => f() + 1; f();', 'v2', globals)).toMatchObject({ ok: false, error: expect.stringMatching(/stack overflow/) });
  });

  it('gives scripts nothing of the host: no process, require, import, timers, network or file system', async () => {
    const result = await sandbox.run(
      `done({
        process: typeof process, require: typeof require, module: typeof module, fetch: typeof fetch,
        setTimeout: typeof setTimeout, std: typeof std, os: typeof os, XMLHttpRequest: typeof XMLHttpRequest,
        fn: (() => { try { return typeof Function('return this')().process; } catch (e) { return 'error'; } })(),
      })`,
      'v2',
      globals,
    );
    expect(result).toMatchObject({
      ok: true,
      value: { process: 'undefined', require: 'undefined', module: 'undefined', fetch: 'undefined', setTimeout: 'undefined', std: 'undefined', os: 'undefined', XMLHttpRequest: 'undefined', fn: 'undefined' },
    });
    expect(await sandbox.run("const m = await import('fs'); done({ m: typeof m });", 'v2', globals)).toMatchObject({ ok: false });
    expect(await sandbox.run("require('child_process')", 'v2', globals)).toMatchObject({ ok: false, error: expect.stringMatching(/require/) });
  });

  it('keeps scripts apart: globals one script sets are gone in the next', async () => {
    await sandbox.run('globalThis.leak = 1; done();', 'v2', globals);
    expect(await sandbox.run('done({ leak: typeof leak })', 'v2', globals)).toMatchObject({ ok: true, value: { leak: 'undefined' } });
  });

  it('keeps at most maxConsoleEntries console.log calls', async () => {
    const result = await sandbox.run('for (let i = 0; i < 20; i++) console.log(i); done();', 'v2', globals);
    expect(result.console).toEqual(['0', '1', '2', '3', '4']);
  });

  it('reports compile errors of a v2 body (a top-level return) without running it', async () => {
    expect(await sandbox.syntaxError('return 1;')).toMatch(/return/);
    expect(await sandbox.syntaxError('function f() { return 1; } done(f());')).toBeUndefined();
  });
});
