/**
 * A minimal browser for OAuth flows: one cookie jar per origin (enough for 127.0.0.1 servers on different ports),
 * redirects followed by hand so a test can stop before any hop and look at it.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** One request with this browser's cookies; stores the cookies it sets; never follows redirects. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.jar.get(target.origin);
    const headers = new Headers(init.headers);
    if (cookies && cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(target.origin, line);
    return res;
  }

  /**
   * Follows redirects from `url` until a response is not a redirect, or until `stopAt` says the next URL must not be
   * requested. Returns the last response (null when stopped) and every URL visited or stopped at.
   */
  async follow(url: string, stopAt: (next: URL) => boolean = () => false): Promise<{ res: Response | null; urls: URL[] }> {
    const urls: URL[] = [];
    let next = new URL(url);
    for (let hop = 0; hop < 20; hop++) {
      urls.push(next);
      if (stopAt(next)) return { res: null, urls };
      const res = await this.request(next.href);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, urls };
      await res.arrayBuffer();
      next = new URL(location, next);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** The cookie names this browser holds for an origin. */
  cookieNames(origin: string): string[] {
    return [...(this.jar.get(origin)?.keys() ?? [])];
  }

  /** Copies another browser's cookies for one origin over this one's (a stolen or mixed-up cookie). */
  adoptCookies(from: TestBrowser, origin: string): void {
    this.jar.set(origin, new Map(from.jar.get(origin) ?? []));
  }

  private store(origin: string, line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const index = pair.indexOf('=');
    const name = pair.slice(0, index);
    const value = pair.slice(index + 1);
    const expired = attributes.some((attribute) => {
      const [key, raw] = attribute.split('=');
      if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
      if (key.toLowerCase() === 'expires') return new Date(raw).getTime() <= Date.now();
      return false;
    });
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    if (expired || value === '') cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(origin, cookies);
  }
}
