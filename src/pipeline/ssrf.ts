// Which IP addresses a news fetch must never reach. A feed URL comes from a sources file or an
// admin's /addsource, and a public feed can redirect anywhere, so without this check caixun
// could be made to read its own machine, the cloud metadata service (169.254.169.254) or the
// office network and post the answer to a Telegram chat.
// Pure: the fetcher resolves names and asks here about every address of every hop.

interface Range4 {
  base: number;
  bits: number;
}

const cidr4 = (text: string): Range4 => {
  const [address = '', bits = ''] = text.split('/');
  const base = parseIPv4(address);
  if (base === null) throw new Error(`bad IPv4 range ${text}`);
  return { base, bits: Number(bits) };
};

/** IPv4 ranges that are not public unicast. */
const BLOCKED_V4: readonly Range4[] = [
  '0.0.0.0/8', // "this network", 0.0.0.0 reaches the local host on Linux
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT, often the provider's internal network
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, including cloud metadata endpoints
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, including the broadcast address 255.255.255.255
].map(cidr4);

/** True when `ip` is loopback, private, link-local, unique-local, CGNAT, unspecified, multicast,
 * broadcast, reserved or documentation space, for IPv4 and IPv6 (IPv4-mapped, NAT64 and 6to4
 * addresses are judged by the IPv4 address they carry). Anything that does not parse as an IP
 * address counts as private: a guard should refuse what it cannot classify. */
export function isPrivateAddress(ip: string): boolean {
  const text = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(text);
  if (v4 !== null) return isPrivateV4(v4);
  const v6 = parseIPv6(text);
  if (v6 === null) return true;
  return isPrivateV6(v6);
}

function isPrivateV4(address: number): boolean {
  return BLOCKED_V4.some(({ base, bits }) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((address & mask) >>> 0) === ((base & mask) >>> 0);
  });
}

function isPrivateV6(groups: readonly number[]): boolean {
  const g = (i: number) => groups[i] ?? 0;
  const embeddedV4 = (hi: number, lo: number) => ((g(hi) << 16) | g(lo)) >>> 0;
  const zeroUpTo = (n: number) => groups.slice(0, n).every((x) => x === 0);

  if (zeroUpTo(8)) return true; // :: unspecified
  if (zeroUpTo(7) && g(7) === 1) return true; // ::1 loopback
  if (zeroUpTo(5) && g(5) === 0xffff) return isPrivateV4(embeddedV4(6, 7)); // ::ffff:a.b.c.d mapped
  if (zeroUpTo(6)) return isPrivateV4(embeddedV4(6, 7)); // ::a.b.c.d (deprecated compatible form)
  if (g(0) === 0x64 && g(1) === 0xff9b && groups.slice(2, 6).every((x) => x === 0)) {
    return isPrivateV4(embeddedV4(6, 7)); // 64:ff9b::/96 NAT64 reaches the IPv4 address inside
  }
  if (g(0) === 0x2002) return isPrivateV4(embeddedV4(1, 2)); // 6to4 carries an IPv4 address
  if ((g(0) & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g(0) & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g(0) & 0xffc0) === 0xfec0) return true; // fec0::/10 old site-local
  if ((g(0) & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (g(0) === 0x2001 && g(1) === 0x0db8) return true; // 2001:db8::/32 documentation
  return false;
}

/** Dotted-decimal IPv4 (the only form DNS and WHATWG URL parsing hand us) → 32-bit number. */
function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** IPv6 text (with `::`, an optional trailing dotted IPv4 and an optional `%zone`) → 8 groups. */
function parseIPv6(text: string): number[] | null {
  const address = text.replace(/%[^%]*$/, '');
  if (!address.includes(':')) return null;

  let tail: number[] = [];
  let head = address;
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = address.slice(0, lastColon + 1);
    // `::1.2.3.4` leaves `::`; `::ffff:1.2.3.4` leaves `::ffff:` — drop the dangling colon.
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }

  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const group of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return null;

  const given = left.length + right.length + tail.length;
  if (halves.length === 2) {
    if (given > 7) return null;
    return [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
  }
  return given === 8 ? [...left, ...tail] : null;
}
