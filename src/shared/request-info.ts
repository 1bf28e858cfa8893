/** Who is asking and from where: passed by the edges to services that audit or throttle. */
export interface RequestInfo {
  /** Client address (behind trusted proxies, the forwarded one). */
  address: string;
  requestId?: string;
}

/** For calls that do not come from a network request (scripts, background jobs). */
export const INTERNAL_REQUEST: RequestInfo = { address: 'internal' };
