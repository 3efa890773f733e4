import { deniedRangeOf, isPublicAddress, parseIpAddress } from './ip-address';

describe('parseIpAddress', () => {
  it('reads IPv4, IPv6 (compressed, embedded dotted quad, zone, brackets)', () => {
    expect(parseIpAddress('10.1.2.3')).toEqual({ family: 4, bytes: Uint8Array.from([10, 1, 2, 3]) });
    const hex = (text: string) => Buffer.from(parseIpAddress(text)?.bytes ?? []).toString('hex');
    expect(hex('::1')).toBe('00000000000000000000000000000001');
    expect(hex('::')).toBe('0'.repeat(32));
    expect(hex('2001:db8::8:800:200c:417a')).toBe('20010db80000000000080800200c417a');
    expect(hex('::ffff:127.0.0.1')).toBe('00000000000000000000ffff7f000001');
    expect(hex('::ffff:7f00:1')).toBe('00000000000000000000ffff7f000001');
    expect(hex('[fe80::1%eth0]')).toBe('fe800000000000000000000000000001');
    expect(hex('1:2:3:4:5:6:1.2.3.4')).toBe('00010002000300040005000601020304');
  });
  it('refuses what is not an address', () => {
    for (const text of [
      '',
      'localhost',
      '1.2.3',
      '1.2.3.256',
      '0x7f.1',
      '2130706433',
      ':::',
      '1::2::3',
      'example.com',
    ]) {
      expect([text, parseIpAddress(text)]).toEqual([text, undefined]);
    }
  });
});

describe('deniedRangeOf', () => {
  const denied: [string, string][] = [
    ['127.0.0.1', 'loopback 127.0.0.0/8'],
    ['127.255.255.254', 'loopback 127.0.0.0/8'],
    ['10.0.0.1', 'private-use 10.0.0.0/8'],
    ['172.16.0.1', 'private-use 172.16.0.0/12'],
    ['172.31.255.255', 'private-use 172.16.0.0/12'],
    ['192.168.1.1', 'private-use 192.168.0.0/16'],
    ['100.64.0.1', 'shared address space (CGNAT) 100.64.0.0/10'],
    ['100.127.255.255', 'shared address space (CGNAT) 100.64.0.0/10'],
    ['169.254.169.254', 'link-local (cloud metadata) 169.254.0.0/16'],
    ['0.0.0.0', '"this network" 0.0.0.0/8'],
    ['0.1.2.3', '"this network" 0.0.0.0/8'],
    ['192.0.2.10', 'documentation (TEST-NET-1) 192.0.2.0/24'],
    ['198.18.0.1', 'benchmarking 198.18.0.0/15'],
    ['224.0.0.1', 'multicast 224.0.0.0/4'],
    ['255.255.255.255', 'reserved (and broadcast) 240.0.0.0/4'],
    ['::1', 'loopback ::1/128'],
    ['::', 'unspecified ::/128'],
    ['fc00::1', 'unique local fc00::/7'],
    ['fd12:3456:789a::1', 'unique local fc00::/7'],
    ['fe80::1', 'link-local fe80::/10'],
    ['fe80::1%eth0', 'link-local fe80::/10'],
    ['febf::1', 'link-local fe80::/10'],
    ['fec0::1', 'site-local (deprecated) fec0::/10'],
    ['ff02::1', 'multicast ff00::/8'],
    ['2001:db8::1', 'documentation 2001:db8::/32'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo 2001::/32'],
    ['::ffff:127.0.0.1', 'IPv4-mapped ::ffff:0:0/96 form of loopback 127.0.0.1'],
    ['::ffff:7f00:1', 'IPv4-mapped ::ffff:0:0/96 form of loopback 127.0.0.1'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped ::ffff:0:0/96 form of link-local (cloud metadata) 169.254.169.254'],
    ['::ffff:10.0.0.1', 'IPv4-mapped ::ffff:0:0/96 form of private-use 10.0.0.1'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated ::ffff:0:0:0/96 form of private-use 10.0.0.1'],
    ['64:ff9b::192.168.0.1', 'NAT64 64:ff9b::/96 form of private-use 192.168.0.1'],
    ['2002:7f00:1::', '6to4 2002::/16 form of loopback 127.0.0.1'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated) ::/96'],
    ['64:ff9b:1::1', 'local-use NAT64 64:ff9b:1::/48'],
    ['100::1', 'discard-only 100::/64'],
    ['4000::1', 'outside global unicast 2000::/3'],
    ['not-an-ip', 'not an IP address'],
  ];
  it.each(denied)('denies %s (%s)', (address, name) => {
    expect(deniedRangeOf(address)).toBe(name);
    expect(isPublicAddress(address)).toBe(false);
  });

  const allowed = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '192.169.0.1',
    '169.253.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:82a::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ];
  it.each(allowed)('allows the public address %s', (address) => {
    expect(deniedRangeOf(address)).toBeUndefined();
    expect(isPublicAddress(address)).toBe(true);
  });
});
