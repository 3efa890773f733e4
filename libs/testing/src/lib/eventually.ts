/**
 * Resolves with the first value `probe` answers that is not undefined, asking every 50 ms; fails
 * naming `what` after `timeoutMs`. For what the hub does in the background (polls, deliveries).
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
