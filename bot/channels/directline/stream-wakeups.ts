import { randomUUID } from 'node:crypto';
import { activityNotice } from '../../../src/conversations/directline.repository';

/**
 * Wakes this instance's open Direct Line streams when their conversation gets activities: at once for activities this
 * instance appended, and on the database's notification (LISTEN/NOTIFY on PostgreSQL) for those another instance
 * appended. `origin` is this instance's name in those notifications, so it does not wake its streams twice.
 */
export class StreamWakeups {
  readonly origin = randomUUID();
  private readonly streams = new Map<string, Set<() => void>>();

  /** Registers a stream's waker for `conversationId`; the returned function unregisters it. */
  subscribe(conversationId: string, wake: () => void): () => void {
    const wakers = this.streams.get(conversationId) ?? new Set<() => void>();
    this.streams.set(conversationId, wakers.add(wake));
    return () => {
      wakers.delete(wake);
      if (wakers.size === 0 && this.streams.get(conversationId) === wakers) this.streams.delete(conversationId);
    };
  }

  /** Wakes the streams of `conversationId` open on this instance. */
  wake(conversationId: string): void {
    for (const wake of this.streams.get(conversationId) ?? []) wake();
  }

  /** Wakes every open stream (notifications may have been missed while the listener was reconnecting). */
  wakeAll(): void {
    for (const wakers of this.streams.values()) for (const wake of wakers) wake();
  }

  /** A notification of an appended activity: wakes that conversation's streams unless this instance wrote it. */
  heard(payload: string): void {
    const notice = activityNotice(payload);
    if (notice && notice.origin !== this.origin) this.wake(notice.conversationId);
  }
}
