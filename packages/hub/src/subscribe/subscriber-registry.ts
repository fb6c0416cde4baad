/**
 * The connected subscribers, indexed for dispatch: selectors that can only equal one topic go in a map
 * from topic to subscribers, so an update for a topic nobody watches costs one lookup per topic; the
 * other selectors (`*`, templates, URL patterns) are tried one by one.
 */
import type { LogSubscriber } from '@tidings/server';
import { canReceivePrivate, type Grants } from '../auth/authorization.js';
import type { Update } from '../log/update.js';
import { anyTopicMatches, type TopicSelector } from '../topics/topic-selector.js';

export interface Subscriber {
  readonly selectors: readonly TopicSelector[];
  readonly grants: Grants;
  /** When the token stops being accepted (milliseconds since the epoch): the stream is closed then. Null: never. */
  readonly expiresAt: number | null;
  /** Its place in the log's feed: holds updates until its replay has joined, then writes them. */
  readonly feed: LogSubscriber;
  /** Dispatch stamp, so a subscriber reached through several topics gets an update once. */
  mark: number;
}

/** True when the selector can only ever match the one topic equal to it. */
function isExact(selector: TopicSelector): boolean {
  if (selector.source === '*') return false;
  return selector.kind === 'exact' || (selector.kind === 'template' && !selector.source.includes('{'));
}

/** [spec] 0.x "Subscription": private updates MUST NOT be dispatched to subscribers not authorized for them. */
function mayReceive(subscriber: Subscriber, update: Update): boolean {
  return !update.private || canReceivePrivate(subscriber.grants, update.topics);
}

/** True when `subscriber` should receive `update`: a topic is selected, and a private update is granted. */
export function wants(subscriber: Subscriber, update: Update): boolean {
  return anyTopicMatches(subscriber.selectors, update.topics) && mayReceive(subscriber, update);
}

export class SubscriberRegistry {
  readonly #byTopic = new Map<string, Set<Subscriber>>();
  readonly #patterned = new Set<Subscriber>();
  readonly #all = new Set<Subscriber>();
  /** Subscribers per selector source, for stats. */
  readonly #selectorCounts = new Map<string, number>();
  #stamp = 0;

  get size(): number {
    return this.#all.size;
  }

  get subscribers(): ReadonlySet<Subscriber> {
    return this.#all;
  }

  add(subscriber: Subscriber): void {
    this.#all.add(subscriber);
    for (const selector of subscriber.selectors) {
      this.#selectorCounts.set(selector.source, (this.#selectorCounts.get(selector.source) ?? 0) + 1);
      if (isExact(selector)) {
        let set = this.#byTopic.get(selector.source);
        if (set === undefined) {
          set = new Set();
          this.#byTopic.set(selector.source, set);
        }
        set.add(subscriber);
      } else {
        this.#patterned.add(subscriber);
      }
    }
  }

  delete(subscriber: Subscriber): boolean {
    if (!this.#all.delete(subscriber)) return false;
    this.#patterned.delete(subscriber);
    for (const selector of subscriber.selectors) {
      const count = (this.#selectorCounts.get(selector.source) ?? 1) - 1;
      if (count === 0) this.#selectorCounts.delete(selector.source);
      else this.#selectorCounts.set(selector.source, count);
      const set = this.#byTopic.get(selector.source);
      if (set?.delete(subscriber) && set.size === 0) this.#byTopic.delete(selector.source);
    }
    return true;
  }

  /** Delivers `update` once to each subscriber that wants it; returns how many wrote it now. */
  dispatch(update: Update): number {
    const stamp = ++this.#stamp;
    let written = 0;
    const visit = (subscriber: Subscriber, indexed: boolean) => {
      if (subscriber.mark === stamp) return;
      subscriber.mark = stamp;
      // Found under one of the topics: a selector equals it, so only a private update's grant is left to check.
      if ((indexed ? mayReceive(subscriber, update) : wants(subscriber, update)) && subscriber.feed.deliver(update))
        written++;
    };
    for (const topic of update.topics) {
      const set = this.#byTopic.get(topic);
      if (set !== undefined) for (const subscriber of set) visit(subscriber, true);
    }
    for (const subscriber of this.#patterned) visit(subscriber, false);
    return written;
  }

  /** Selector sources with how many subscribers use each, most used first. */
  selectorCounts(): { selector: string; subscribers: number }[] {
    return [...this.#selectorCounts]
      .map(([selector, subscribers]) => ({ selector, subscribers }))
      .sort((a, b) => b.subscribers - a.subscribers || a.selector.localeCompare(b.selector));
  }
}
