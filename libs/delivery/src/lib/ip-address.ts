import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses a customer's callback URL may reach. Denied: everything that is not public
 * unicast — loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254),
 * documentation, benchmarking, multicast and reserved ranges — and every IPv6 form that carries
 * an IPv4 address (mapped, translated, compatible, NAT64, 6to4) is judged by that IPv4 address.
 * IPv6 outside global unicast (2000::/3) is denied as a whole, so a range added later is denied
 * until someone decides otherwise.
 */

export interface ParsedAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** The bytes of an IPv4 or IPv6 address (a zone such as `%eth0` ignored); undefined if it is not one. */
export function parseIpAddress(text: string): ParsedAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(address)) return { family: 4, bytes: Uint8Array.from(address.split('.').map(Number)) };
  const bare = address.split('%')[0];
  if (!isIPv6(address) || !isIPv6(bare)) return undefined;
  let head = bare;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) {
    const v4 = dotted[1].split('.').map(Number);
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    head = bare.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  let words: number[];
  const gap = head.indexOf('::');
  if (gap >= 0) {
    const left = groups(head.slice(0, gap));
    const right = [...groups(head.slice(gap + 2)), ...tail];
    words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    words = [...groups(head), ...tail];
  }
  if (words.length !== 8 || words.some((w) => !(w >= 0 && w <= 0xffff))) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return { family: 6, bytes };
}

interface Range {
  readonly bytes: Uint8Array;
  readonly bits: number;
  readonly name: string;
}

function range(cidr: string, name: string): Range {
  const [address, bits] = cidr.split('/');
  const parsed = parseIpAddress(address);
  if (!parsed) throw new Error(`bad range ${cidr}`);
  return { bytes: parsed.bytes, bits: Number(bits), name: `${name} ${cidr}` };
}

function inRange(bytes: Uint8Array, r: Range): boolean {
  if (bytes.length !== r.bytes.length) return false;
  const whole = r.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== r.bytes[i]) return false;
  const rest = r.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (r.bytes[whole] & mask);
}

const IPV4_DENIED: readonly Range[] = [
  range('0.0.0.0/8', '"this network"'),
  range('10.0.0.0/8', 'private-use'),
  range('100.64.0.0/10', 'shared address space (CGNAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (cloud metadata)'),
  range('172.16.0.0/12', 'private-use'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private-use'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  range('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved (and broadcast)'),
];

/** IPv6 forms that carry an IPv4 address: where it sits in the 16 bytes. */
const IPV6_EMBEDDING: readonly (Range & { readonly at: number })[] = [
  { ...range('::ffff:0:0/96', 'IPv4-mapped'), at: 12 },
  { ...range('::ffff:0:0:0/96', 'IPv4-translated'), at: 12 },
  { ...range('64:ff9b::/96', 'NAT64'), at: 12 },
  { ...range('2002::/16', '6to4'), at: 2 },
];

const IPV6_DENIED: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible (deprecated)'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo'),
  range('2001:2::/48', 'benchmarking'),
  range('2001:10::/28', 'ORCHID'),
  range('2001:20::/28', 'ORCHIDv2'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = range('2000::/3', 'global unicast');

/**
 * The denied range an address falls in (e.g. `loopback 127.0.0.0/8`), or undefined for a public
 * address. Text that is not an IP address is denied too: nothing unknown is let through.
 */
export function deniedRangeOf(address: string): string | undefined {
  const parsed = parseIpAddress(address);
  if (!parsed) return 'not an IP address';
  if (parsed.family === 4) return IPV4_DENIED.find((r) => inRange(parsed.bytes, r))?.name;
  for (const embedding of IPV6_EMBEDDING) {
    if (!inRange(parsed.bytes, embedding)) continue;
    const v4 = parsed.bytes.slice(embedding.at, embedding.at + 4);
    const inner = IPV4_DENIED.find((r) => inRange(v4, r));
    return inner
      ? `${embedding.name} form of ${inner.name.replace(/ [^ ]+$/, '')} ${v4.join('.')}`
      : undefined;
  }
  const denied = IPV6_DENIED.find((r) => inRange(parsed.bytes, r));
  if (denied) return denied.name;
  return inRange(parsed.bytes, GLOBAL_UNICAST) ? undefined : 'outside global unicast 2000::/3';
}

export const isPublicAddress = (address: string): boolean => deniedRangeOf(address) === undefined;
