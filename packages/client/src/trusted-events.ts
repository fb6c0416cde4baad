/**
 * `isTrusted` for the events the EventSource fires itself. [DOM] an event is trusted when the user
 * agent dispatches it, and `isTrusted` is `[LegacyUnforgeable]`: an own, non-configurable getter on each
 * instance. The EventSource is the user agent's part here, so its open, message and error events are
 * trusted, as a browser's are (WPT eventsource-onmessage-trusted.any.js).
 *
 * Node and Deno define the getter once, on Event.prototype (Node for speed), so an own getter on one of
 * our instances takes its place, in the same shape the standard gives it. Browsers and Bun define it on
 * every instance, non-configurable, as the standard says: there it stays the platform's (false for an
 * event made by script) and nothing is changed.
 *
 * The getter answers from a private map, so neither calling it on another event nor copying it onto one
 * makes that event trusted; and it answers true only while the event's target is the EventSource that
 * fired it, because [DOM] dispatchEvent() called by script makes the event untrusted (a trusted event
 * dispatched again on another target; again on the same source, see `distrust`).
 */

/** Each trusted event, with the EventSource that fired it. */
const firedBy = new WeakMap<Event, EventTarget>();

/** [DOM] the isTrusted attribute: own, read-only, non-configurable; enumerable, as WebIDL attributes are. */
const IS_TRUSTED: PropertyDescriptor = {
  get(this: Event): boolean {
    const target = firedBy.get(this);
    return target !== undefined && this.target === target;
  },
  enumerable: true,
  configurable: false,
};

/** Makes `event` trusted as fired by `target`, where the platform lets it; returns it. */
export function trust<E extends Event>(event: E, target: EventTarget): E {
  // an own isTrusted is the platform's unforgeable one (browsers, Bun): leave it alone
  if (Object.getOwnPropertyDescriptor(event, 'isTrusted') === undefined) {
    Object.defineProperty(event, 'isTrusted', IS_TRUSTED);
  }
  firedBy.set(event, target);
  return event;
}

/** [DOM] dispatchEvent() called by script: "initialize event's isTrusted attribute to false". */
export function distrust(event: Event): void {
  firedBy.delete(event);
}
