/** One published update, as the hub stores and replays it. */
export interface Update {
  /** The event id: hub-generated `urn:uuid:...`, or the publisher's own when it was unique. */
  readonly id: string;
  /** The topics: the first is canonical, the rest are alternates. Never empty. */
  readonly topics: readonly string[];
  /** The payload ('' when the publisher sent none: an event with an empty `data:` line still dispatches). */
  readonly data: string;
  /** The SSE event type (`event:`), when the publisher gave one. */
  readonly type?: string;
  /** The reconnection time hint in milliseconds (`retry:`), when the publisher gave one. */
  readonly retry?: number;
  /** Private updates go only to subscribers whose token grants one of the topics. */
  readonly private: boolean;
  /** When the hub accepted it, in milliseconds since the epoch (used to trim history by age). */
  readonly publishedAt: number;
}
