/** The hub's flags for the per-client limits (`0` turns a limit off; the library's `null`). */

import type { HubOptions } from '../hub-options.js';
import {
  DEFAULT_MAX_STREAMS_PER_CLIENT,
  DEFAULT_PUBLISH_RATE_PER_TOKEN,
  DEFAULT_STREAM_RATE_PER_CLIENT,
} from '../limits.js';
import { type FlagSpec, type FlagValues, integerFlag } from './cli-flags.js';
import { MAX_CLIENT_LIMIT_FLAG } from './cli-limits.js';

export const CLIENT_LIMIT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'max-streams-per-client',
    kind: 'string',
    env: ['TIDINGS_MAX_STREAMS_PER_CLIENT'],
    defaultText: String(DEFAULT_MAX_STREAMS_PER_CLIENT),
    description: 'Open streams one client address may hold (IPv6: per /64); more get 429; 0: no limit.',
  },
  {
    name: 'stream-rate',
    kind: 'string',
    env: ['TIDINGS_STREAM_RATE'],
    defaultText: String(DEFAULT_STREAM_RATE_PER_CLIENT),
    description:
      'New streams per second one client address may open, after a burst of --max-streams-per-client; 0: no limit.',
  },
  {
    name: 'publish-rate',
    kind: 'string',
    env: ['TIDINGS_PUBLISH_RATE'],
    defaultText: String(DEFAULT_PUBLISH_RATE_PER_TOKEN),
    description:
      'Updates per second one publisher token may publish (burst: one second of them); more get 429; 0: no limit.',
  },
  {
    name: 'trust-proxy',
    kind: 'boolean',
    env: ['TIDINGS_TRUST_PROXY'],
    defaultText: 'false',
    description: 'Behind a reverse proxy: a client is the last X-Forwarded-For address, not the proxy.',
  },
];

export function readClientLimitFlags(values: FlagValues): HubOptions {
  const limit = (name: string, fallback: number) => {
    const value = integerFlag(values, name, fallback, 0, MAX_CLIENT_LIMIT_FLAG);
    return value === 0 ? null : value;
  };
  return {
    maxStreamsPerClient: limit('max-streams-per-client', DEFAULT_MAX_STREAMS_PER_CLIENT),
    streamRatePerClient: limit('stream-rate', DEFAULT_STREAM_RATE_PER_CLIENT),
    publishRatePerToken: limit('publish-rate', DEFAULT_PUBLISH_RATE_PER_TOKEN),
    trustProxy: values.get('trust-proxy') === true,
  };
}
