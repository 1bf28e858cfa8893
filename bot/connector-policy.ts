import { isIP } from 'node:net';

/** Host names a Bot Framework Emulator runs on: the developer's own machine. */
const EMULATOR_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a socket's peer address is this machine (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `host` matches a pattern: `smba.trafficmanager.net` exactly, `*.botframework.com` any subdomain of it. */
function matchesHost(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

export interface ConnectorPolicySettings {
  /** With credentials, channels are authenticated and replies go to connector hosts; without, Emulator mode. */
  authenticated: boolean;
  /** Host patterns of the Bot Connector services (`*.botframework.com`, `smba.trafficmanager.net`). */
  connectorHosts: string[];
  /** Exact loopback origins of the tests' local stand-ins, accepted as if they were connector hosts. */
  testOrigins: string[];
}

/**
 * Where the Bot Framework edge may send the bot's replies (an activity's serviceUrl) and fetch attachments from. With
 * credentials: https on a Bot Connector host, where the bot's token may go. Without (Emulator mode, for a developer's
 * machine): the Emulator's loopback address only. Checked before any request is made, inbound (the activity is
 * refused) and again when a connector client is made (a stored reply address from before is refused too).
 */
export class ConnectorPolicy {
  private readonly testOrigins: ReadonlySet<string>;

  constructor(private readonly settings: ConnectorPolicySettings) {
    this.testOrigins = new Set(settings.testOrigins);
  }

  /** True when channels are authenticated (app credentials configured); false in Emulator mode. */
  get authenticated(): boolean {
    return this.settings.authenticated;
  }

  /** Loopback origins that the address guard lets through (the tests' stand-ins). */
  get exemptOrigins(): ReadonlySet<string> {
    return this.testOrigins;
  }

  /** Whether replies may be posted to this serviceUrl. */
  allowsServiceUrl(serviceUrl: string): boolean {
    const url = parse(serviceUrl);
    if (!url || url.username || url.password) return false;
    if (this.testOrigins.has(url.origin)) return true;
    if (!this.settings.authenticated) {
      return (url.protocol === 'http:' || url.protocol === 'https:') && EMULATOR_HOSTS.has(url.hostname);
    }
    return this.isConnectorUrl(url);
  }

  /**
   * Whether an attachment URL of a Bot Framework activity may be fetched: on a connector host (authenticated), or on
   * the Emulator's own origin, the activity's serviceUrl (Emulator mode).
   */
  allowsAttachmentUrl(attachment: URL, serviceUrl: string): boolean {
    if (attachment.username || attachment.password) return false;
    if (this.testOrigins.has(attachment.origin)) return true;
    if (!this.settings.authenticated) {
      const service = parse(serviceUrl);
      return service !== null && this.allowsServiceUrl(serviceUrl) && service.origin === attachment.origin;
    }
    return this.isConnectorUrl(attachment);
  }

  private isConnectorUrl(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return url.protocol === 'https:' && this.settings.connectorHosts.some((pattern) => matchesHost(host, pattern));
  }
}
