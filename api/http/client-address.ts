import type { Request } from 'restify';

function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The client's address. X-Forwarded-For is believed only when the direct peer is a configured trusted proxy, and then
 * only up to the first hop that is not one: a client cannot choose its own address (and so its rate-limit bucket).
 */
export function clientAddress(req: Request, trustedProxies: string[]): string {
  const peer = normalise(req.socket?.remoteAddress ?? 'unknown');
  if (trustedProxies.length === 0 || !trustedProxies.includes(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalise(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.includes(hops[i])) return hops[i];
  }
  return peer;
}
