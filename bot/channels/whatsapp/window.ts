/** WhatsApp's customer-service window: free-form messages may be sent for 24 hours after the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * True when a free-form (non-template) message may be sent now: the user wrote to us less than 24 hours ago. No
 * inbound message on record means the window was never opened.
 */
export function isWithinServiceWindow(lastInboundAt: Date | null, now: Date = new Date()): boolean {
  if (!lastInboundAt) return false;
  const elapsed = now.getTime() - lastInboundAt.getTime();
  return elapsed >= 0 ? elapsed < SERVICE_WINDOW_MS : true;
}
