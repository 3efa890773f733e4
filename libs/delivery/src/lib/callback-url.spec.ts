import { BadRequestError } from '@hub/element-sdk';
import { CallbackUrlRefusedError, checkCallbackUrl, type ResolveHost } from './callback-url';
import { classifyDeliveryOutcome } from './retry-policy';

const dns =
  (table: Record<string, string[]>): ResolveHost =>
  async (hostname) => {
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const resolve = dns({
  'receiver.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example': ['10.0.0.5'],
  'mixed.example': ['93.184.215.14', '192.168.1.10'],
  'metadata.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'empty.example': [],
  'garbage.example': ['not-an-address'],
});

async function refusal(
  url: string,
  policy: Parameters<typeof checkCallbackUrl>[1] = { resolve },
): Promise<CallbackUrlRefusedError> {
  const error = await checkCallbackUrl(url, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CallbackUrlRefusedError))
    throw new Error(`expected ${url} to be refused, got ${String(error)}`);
  return error;
}

describe('checkCallbackUrl', () => {
  it('vets a public URL and returns every resolved address to connect to', async () => {
    const vetted = await checkCallbackUrl('https://receiver.example/hooks/42?x=1#frag', { resolve });
    expect(vetted).toEqual({
      href: 'https://receiver.example/hooks/42?x=1',
      hostname: 'receiver.example',
      addresses: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
    });
    expect(Object.isFrozen(vetted) && Object.isFrozen(vetted.addresses)).toBe(true);
    const literal = await checkCallbackUrl('http://[2606:4700:4700::1111]:8080/h', { resolve });
    expect(literal).toMatchObject({
      hostname: '2606:4700:4700::1111',
      addresses: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
  });

  it('refuses other schemes, credentials and non-URLs, naming the field', async () => {
    for (const [url, reason] of [
      ['ftp://receiver.example/x', 'unsupported-scheme'],
      ['file:///etc/passwd', 'unsupported-scheme'],
      ['javascript:alert(1)', 'unsupported-scheme'],
      ['gopher://receiver.example:25/', 'unsupported-scheme'],
      ['https://user:secret@receiver.example/x', 'credentials'],
      ['https://user@receiver.example/x', 'credentials'],
      ['/relative/path', 'invalid-url'],
      ['not a url', 'invalid-url'],
    ] as const) {
      const error = await refusal(url);
      expect([url, error.reason, error.retryable]).toEqual([url, reason, false]);
      expect(error.message).toMatch(/^event\.notification\.callback\.url /);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.status).toBe(400);
    }
    expect((await refusal('ftp://x', { resolve, field: 'callbackUrl' })).message).toBe(
      'callbackUrl must be an http(s) URL (got ftp)',
    );
  });

  it('refuses literal addresses of denied ranges, in every spelling the URL parser accepts', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:8080/',
      'http://10.1.2.3/',
      'http://172.20.0.1/',
      'http://192.168.0.1/',
      'http://100.100.100.100/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
    ]) {
      const error = await refusal(url);
      expect([url, error.reason]).toEqual([url, 'denied-address']);
    }
    const metadata = await refusal('http://169.254.169.254/latest/meta-data/');
    expect(metadata.message).toBe(
      'event.notification.callback.url must not point at a link-local (cloud metadata) 169.254.0.0/16 address (169.254.169.254)',
    );
  });

  it('refuses host names that resolve to a denied address (any of them), without telling the customer which', async () => {
    for (const host of ['internal.example', 'mixed.example', 'metadata.example', 'mapped.example']) {
      const error = await refusal(`https://${host}/hook`);
      expect([host, error.reason, error.retryable]).toEqual([host, 'denied-address', false]);
      expect(error.message).toContain(
        `host ${host} resolves to a loopback, private, link-local or otherwise non-public address`,
      );
      expect(error.message).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
      expect(error.denied?.range).toBeDefined();
    }
    expect((await refusal('https://mixed.example/')).denied).toEqual({
      address: '192.168.1.10',
      range: 'private-use 192.168.0.0/16',
    });
    // the system resolver by default: localhost is loopback
    expect((await refusal('http://localhost:8080/', {})).reason).toBe('denied-address');
  });

  it('reports names that do not resolve (now) as retryable', async () => {
    for (const host of ['nowhere.example', 'empty.example', 'garbage.example']) {
      const error = await refusal(`https://${host}/`);
      expect([host, error.reason, error.retryable]).toEqual([host, 'unresolvable', true]);
    }
    expect((await refusal('https://nowhere.example/')).message).toBe(
      'event.notification.callback.url host nowhere.example could not be resolved (ENOTFOUND)',
    );
    const hanging: ResolveHost = () => new Promise(() => undefined);
    const slow = await refusal('https://slow.example/', { resolve: hanging, resolveTimeoutMs: 20 });
    expect([slow.reason, slow.message]).toEqual([
      'unresolvable',
      'event.notification.callback.url host slow.example could not be resolved (ETIMEOUT)',
    ]);
  });

  it('feeds the delivery outcome: a denied URL fails, an unresolvable one is retried', async () => {
    expect(classifyDeliveryOutcome({ error: await refusal('http://127.0.0.1/') })).toBe('failed');
    expect(classifyDeliveryOutcome({ error: await refusal('https://nowhere.example/') })).toBe('retry');
  });

  it('lets the operator allow private addresses (tests, quick start), still refusing bad schemes and credentials', async () => {
    const local = await checkCallbackUrl('http://localhost:8080/hook', {
      allowPrivate: true,
      resolve: dns({ localhost: ['127.0.0.1', '::1'] }),
    });
    expect(local.addresses).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect((await checkCallbackUrl('http://10.0.0.1/', { allowPrivate: true })).addresses).toEqual([
      { address: '10.0.0.1', family: 4 },
    ]);
    expect((await refusal('ftp://127.0.0.1/', { allowPrivate: true })).reason).toBe('unsupported-scheme');
    expect((await refusal('http://u:p@127.0.0.1/', { allowPrivate: true })).reason).toBe('credentials');
  });
});
