import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { Deadline } from './deadline';

describe('Deadline', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Answers /slow never, anything else at once.
    server = createServer((req, res) => {
      if (req.url !== '/slow') res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('aborts an undici call that outlives it, and says so', async () => {
    const deadline = new Deadline(100);
    const started = Date.now();
    await expect(request(`${url}/slow`, { signal: deadline })).rejects.toThrow(/aborted/i);
    expect(deadline.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('leaves a call that ends in time alone, and clear() stops its timer', async () => {
    const deadline = new Deadline(50);
    const res = await request(`${url}/fast`, { signal: deadline });
    expect(await res.body.text()).toBe('ok');
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(deadline.aborted).toBe(false);
    expect(deadline.listenerCount('abort')).toBe(0);
  });
});
