/** For suites that run several api replicas: how long until a replica serves what another one changed. */

/**
 * Calls `probe` back to back (each call a real request to the replica) until `accepted` holds for
 * its answer; resolves with the milliseconds from `since` to the end of the first accepted call.
 * A call that started before the deadline but ended after it still counts against the caller's
 * bound: the figure is the worst a client could have seen, not a sleep's length.
 */
export async function millisecondsUntil<T>(since: number, probe: () => Promise<T>, accepted: (answer: T) => boolean, timeoutMs = 5_000): Promise<{ ms: number; answer: T; probes: number }> {
  for (let probes = 1; ; probes++) {
    const answer = await probe();
    const ms = Date.now() - since;
    if (accepted(answer)) return { ms, answer, probes };
    if (ms > timeoutMs) throw new Error(`still not in force after ${ms} ms (${probes} calls)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
