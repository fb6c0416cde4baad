/**
 * Reads a subscription request's query: the topic selectors and where replay should start.
 * - `topic=` (Mercure 0.x): `*`, exact topics and URI templates.
 * - `match=` / `match_exact=` (draft-08 exact) and `match_urlpattern=` (draft-08 URL pattern).
 *   [spec] draft-08: any other parameter in the `match` namespace (case-insensitive prefix) is refused.
 * - Replay: [spec] the `Last-Event-ID` header wins over the `lastEventID` (0.x) and `last_event_id`
 *   (draft-08) query parameters.
 */

import { MAX_EVENT_ID_LENGTH, readLastEventId } from '@tidings/server';
import { SelectorError } from '../errors.js';
import { MAX_SELECTORS_PER_SUBSCRIPTION } from '../limits.js';
import { hasValidPercentEscapes } from '../topics/text-rules.js';
import { compileSelector, type SelectorKind, type TopicSelector } from '../topics/topic-selector.js';

const MATCH_PARAMS: Record<string, SelectorKind> = {
  match: 'exact',
  match_exact: 'exact',
  match_urlpattern: 'urlpattern',
};

/** [spec] The query parameters naming the last event id: Mercure 0.x's, then draft-08's. */
const MERCURE_LAST_EVENT_ID_PARAMS = ['lastEventID', 'last_event_id'];

export interface SubscribeQuery {
  selectors: TopicSelector[];
  /** The id replay starts after (`earliest` for all history), or null when no replay was asked for. */
  lastEventId: string | null;
}

/** Parses the query; throws a `SelectorError` whose message is a safe 400 reason. */
export function parseSubscribeQuery(url: URL, lastEventIdHeader: string | undefined, baseUrl: string): SubscribeQuery {
  if (!hasValidPercentEscapes(url.search)) {
    throw new SelectorError(
      'INVALID_SELECTOR',
      'the query has a broken percent-escape (a "%" needs two hex digits, and the bytes UTF-8)',
    );
  }
  const selectors: TopicSelector[] = [];
  for (const [name, value] of url.searchParams) {
    let kind: SelectorKind | undefined;
    if (name === 'topic') kind = 'template';
    else if (name.toLowerCase().startsWith('match')) {
      kind = MATCH_PARAMS[name];
      if (kind === undefined)
        throw new SelectorError('UNKNOWN_MATCHER', 'unknown matcher parameter (use match or match_urlpattern)');
    }
    if (kind === undefined) continue;
    if (selectors.length === MAX_SELECTORS_PER_SUBSCRIPTION) {
      throw new SelectorError(
        'INVALID_SELECTOR',
        `too many topic selectors (at most ${MAX_SELECTORS_PER_SUBSCRIPTION})`,
      );
    }
    selectors.push(compileSelector(value, kind, baseUrl));
  }
  if (selectors.length === 0)
    throw new SelectorError('INVALID_SELECTOR', 'missing topic selector (topic or match parameter)');
  // The one reading and check of the id, the server's: this is the request's only one (the session takes
  // the result), and it comes before history is read. The header comes as UTF-8 bytes handed over as
  // Latin-1; readLastEventId decodes it.
  const id = readLastEventId(lastEventIdHeader, url.searchParams, MERCURE_LAST_EVENT_ID_PARAMS);
  if (id === null) {
    throw new SelectorError('INVALID_SELECTOR', `Last-Event-ID longer than ${MAX_EVENT_ID_LENGTH} characters`);
  }
  // An empty value (no id seen yet) asks for no replay.
  const lastEventId = id === '' ? null : id;
  return { selectors, lastEventId };
}
