import type { Notification } from '../core/notification.js';

/** The notification queue (SQS in production and locally). */
export interface NotificationQueue {
  /**
   * Enqueues every notification or throws (TransientError when a retry may help).
   * On a throw some may have been enqueued: callers must tolerate re-sending, which the
   * consumer absorbs by notification id.
   */
  send(notifications: readonly Notification[]): Promise<void>;
}

/** Approximate depth of a queue (SQS GetQueueAttributes), read by the health report. */
export interface QueueDepth {
  /** ApproximateNumberOfMessages. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible (received, not yet deleted). */
  readonly inFlight: number;
}
