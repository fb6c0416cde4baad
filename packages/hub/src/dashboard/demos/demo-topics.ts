/**
 * The topics the demos publish on. URNs: absolute IRIs, as Mercure topics should be, that do not depend
 * on the host name the hub is reached by, so a page subscribes with the same string the demo publishes.
 */
export const DEMO_TOPICS = {
  ticker: 'urn:tidings:demo:ticker',
  monitor: 'urn:tidings:demo:monitor',
  chat: 'urn:tidings:demo:chat',
  clock: 'urn:tidings:demo:clock',
} as const;
