import { BadRequestError } from '@hub/element-sdk';
import type { ResolveHost } from './callback-url';
import { hostMatches, parseVendorHosts, vendorHostsOf, vendorNetwork } from './vendor-url';

const resolve: ResolveHost = async (hostname) => {
  const table: Record<string, string[]> = {
    'api.twilio.com': ['54.172.60.0'],
    'rebound.twilio.com': ['127.0.0.1'],
    'mixed.twilio.com': ['54.172.60.0', '10.0.0.5'],
    'gateway.corp': ['10.1.2.3'],
    'elsewhere.example': ['93.184.215.14'],
  };
  const found = table[hostname];
  if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

function lookup(network: ReturnType<typeof vendorNetwork>, host: string) {
  return new Promise<{ error: Error | null; addresses: unknown }>((done) =>
    network.lookup(host, { all: true }, (error, addresses) => done({ error, addresses })),
  );
}

describe('vendor hosts', () => {
  it('matches *.twilio.com on subdomains only', () => {
    expect(hostMatches('api.twilio.com', '*.twilio.com')).toBe(true);
    expect(hostMatches('API.Twilio.com.', '*.twilio.com')).toBe(true);
    expect(hostMatches('twilio.com', '*.twilio.com')).toBe(false);
    expect(hostMatches('eviltwilio.com', '*.twilio.com')).toBe(false);
    expect(hostMatches('anything.example', '*')).toBe(true);
  });

  it('reads HUB_VENDOR_HOSTS per element and for all, and names a bad entry', () => {
    const extra = parseVendorHosts('twiliov2:gateway.example.com, *:*.corp.example');
    expect(vendorHostsOf('twiliov2', ['*.twilio.com'], extra)).toEqual(['*.twilio.com', 'gateway.example.com', '*.corp.example']);
    expect(vendorHostsOf('twilio', ['*.twilio.com'], extra)).toEqual(['*.twilio.com', '*.corp.example']);
    expect(vendorHostsOf('acme', [], extra)).toEqual(['*']);
    expect(() => parseVendorHosts('no-colon')).toThrow(/no-colon/);
  });
});

describe('vendorNetwork (hosted: private addresses refused)', () => {
  const network = vendorNetwork({ allowPrivate: false, hosts: ['*.twilio.com'], resolve });

  it('refuses literal non-public addresses, other schemes, credentials and hosts off the list, naming the field', () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://[::1]/x', 'http://169.254.169.254/x', 'http://10.0.0.1/x', 'http://[::ffff:127.0.0.1]/x']) {
      expect(() => network.check(new URL(url), 'base.url')).toThrow(BadRequestError);
      expect(() => network.check(new URL(url), 'base.url')).toThrow(/'base.url'/);
    }
    expect(() => network.check(new URL('ftp://api.twilio.com/x'), 'base.url')).toThrow(/http\(s\)/);
    expect(() => network.check(new URL('https://u:p@api.twilio.com/x'), 'base.url')).toThrow(/credentials/);
    expect(() => network.check(new URL('https://elsewhere.example/x'), 'base.url')).toThrow(/\*\.twilio\.com.*HUB_VENDOR_HOSTS/);
    expect(() => network.check(new URL('https://api.twilio.com/2010-04-01/Accounts'), 'base.url')).not.toThrow();
  });

  it("keeps a host's verdict, not its wording: a second check of a host names its own field, other paths of a refused host stay refused", () => {
    expect(() => network.check(new URL('http://10.0.0.2/a'), 'base.url')).toThrow(/'base.url' must not point at a private-use 10\.0\.0\.0\/8 address \(10\.0\.0\.2\)/);
    expect(() => network.check(new URL('http://10.0.0.2/b'), 'callback.url')).toThrow(/'callback.url' must not point at/);
    expect(() => network.check(new URL('https://u:p@api.twilio.com/x'), 'base.url')).toThrow(/credentials/);
  });

  it('answers only checked public addresses, and refuses a listed name that resolves inside (rebinding) without naming the address', async () => {
    expect(await lookup(network, 'api.twilio.com')).toEqual({ error: null, addresses: [{ address: '54.172.60.0', family: 4 }] });
    for (const host of ['rebound.twilio.com', 'mixed.twilio.com']) {
      const { error } = await lookup(network, host);
      expect(network.refusalOf(error)).toBeInstanceOf(BadRequestError);
      expect(error?.message).not.toMatch(/127\.0\.0\.1|10\.0\.0\.5/);
    }
    const unknown = await lookup(network, 'nowhere.twilio.com');
    expect(unknown.error).toMatchObject({ code: 'ENOTFOUND' });
    expect(network.refusalOf(unknown.error)).toBeUndefined();
  });
});

describe('vendorNetwork (private vendor URLs allowed: a double, a gateway)', () => {
  const network = vendorNetwork({ allowPrivate: true, hosts: ['*.twilio.com'], resolve });

  it('lets private addresses through, by literal or by name, but public hosts only from the list', async () => {
    expect(() => network.check(new URL('http://127.0.0.1:4010/2010-04-01/Accounts'), 'base.url')).not.toThrow();
    expect(() => network.check(new URL('http://gateway.corp/2010-04-01/Accounts'), 'base.url')).not.toThrow();
    expect((await lookup(network, 'gateway.corp')).error).toBeNull();
    const publicElsewhere = await lookup(network, 'elsewhere.example');
    expect(network.refusalOf(publicElsewhere.error)?.message).toMatch(/not one of this element's vendor hosts/);
  });
});
