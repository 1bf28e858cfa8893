import { BlockList, isIP } from 'node:net';
import type { Request } from 'restify';

function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Whether an address belongs to one of the trusted proxies. */
export type TrustedProxies = (address: string) => boolean;

/**
 * The proxies whose X-Forwarded-For is believed, from `TRUSTED_PROXIES` entries: single addresses or CIDR ranges,
 * IPv4 or IPv6 (`10.0.0.0/8`, `fd00::/8`, `192.0.2.10`). Ranges are what a Kubernetes ingress needs: its pods'
 * addresses change, the pod network's range does not. The entries were validated with the configuration.
 */
export function trustedProxies(entries: string[]): TrustedProxies {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (candidate) => {
    const family = isIP(candidate);
    return family !== 0 && list.check(candidate, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address. X-Forwarded-For is believed only when the direct peer is a trusted proxy, and then only up to
 * the first hop that is not one: a client cannot choose its own address (and so its rate-limit bucket).
 */
export function clientAddress(req: Request, isTrusted: TrustedProxies): string {
  const peer = normalise(req.socket?.remoteAddress ?? 'unknown');
  if (!isTrusted(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalise(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(hops[i])) return hops[i];
  }
  return peer;
}
