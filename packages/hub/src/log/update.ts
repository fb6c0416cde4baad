/**
 * One published update, as the hub stores, delivers and replays it: an entry of the event log (topics:
 * the first is canonical, the rest alternates; never empty). The id is hub-generated (`urn:uuid:...`)
 * or the publisher's own when it was unique; `event` is the SSE event type (the `type` field of a
 * publish request); `private` updates go only to subscribers whose token grants one of the topics.
 */
export type { LogEntry as Update } from '@tidings/server';
