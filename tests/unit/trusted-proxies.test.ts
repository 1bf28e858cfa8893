import type { Request } from 'restify';
import { clientAddress, trustedProxies } from '../../http/client-address';
import { ConfigError, loadConfig } from '../../src/config';

function request(peer: string, forwardedFor?: string): Request {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as Request;
}

describe('trusted proxies', () => {
  const trusted = trustedProxies(['10.0.0.0/8', '192.0.2.10', 'fd00::/8']);

  it('matches single addresses and CIDR ranges, IPv4 (also IPv4-mapped) and IPv6', () => {
    expect(trusted('10.42.7.3')).toBe(true);
    expect(trusted('192.0.2.10')).toBe(true);
    expect(trusted('192.0.2.11')).toBe(false);
    expect(trusted('11.0.0.1')).toBe(false);
    expect(trusted('fd12:3456::1')).toBe(true);
    expect(trusted('2001:db8::1')).toBe(false);
    expect(trusted('not an address')).toBe(false);
    expect(trustedProxies([])('10.0.0.1')).toBe(false);
  });

  it('believes X-Forwarded-For from a proxy in a range, up to the first hop that is not a proxy', () => {
    expect(clientAddress(request('::ffff:10.1.2.3', '203.0.113.5'), trusted)).toBe('203.0.113.5');
    // An ingress pod forwarding through another trusted hop: the citizen is the first untrusted one from the right.
    expect(clientAddress(request('10.1.2.3', '198.51.100.9, 203.0.113.5, 10.9.9.9'), trusted)).toBe('203.0.113.5');
    // A peer outside the ranges cannot choose its address.
    expect(clientAddress(request('203.0.113.77', '198.51.100.9'), trusted)).toBe('203.0.113.77');
  });

  it.each(['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'proxy.local', '10.0.0.0/abc'])(
    'refuses %s in TRUSTED_PROXIES at start-up',
    (entry) => {
      expect(() => loadConfig({ TRUSTED_PROXIES: `192.0.2.1, ${entry}` })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUSTED_PROXIES: `192.0.2.1, ${entry}` })).toThrow('TRUSTED_PROXIES');
    },
  );

  it('accepts addresses and ranges in TRUSTED_PROXIES', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.10 ,fd00::/8' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.0.2.10',
      'fd00::/8',
    ]);
  });
});
