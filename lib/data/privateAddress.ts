import { BlockList, isIP } from 'node:net';

/**
 * Every address that is not a public unicast host: IANA's IPv4 and IPv6 special-purpose registries
 * (loopback, private, shared/CGNAT, link-local, documentation, benchmarking, multicast, reserved,
 * broadcast, unique-local, site-local, NAT64, 6to4 and Teredo, which can embed any IPv4 address).
 * Node's BlockList does the matching, IPv4-mapped IPv6 forms (`::ffff:7f00:1`) included.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** True for any address that is not a public unicast host (see NOT_PUBLIC), and for anything that is not an IP address. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return NOT_PUBLIC.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
