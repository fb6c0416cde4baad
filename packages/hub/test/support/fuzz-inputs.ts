// The fast-check arbitraries of the hub fuzz test: publish bodies, subscribe queries, tokens, headers and
// raw requests, biased toward what the hub's checks branch on (limits and one past them, control and format
// characters, lone surrogates, broken percent-escapes, invalid UTF-8, URI templates, URL patterns).
import fc from 'fast-check';
import { MAX_FIELD_LENGTH, MAX_SELECTORS_PER_SUBSCRIPTION, MAX_TOKEN_LENGTH } from '../../src/limits.ts';

/**
 * The hub's `--max-body` in the fuzz test: small, so that bodies just over it are cheap to send, but room
 * for a few fields at their length limit even when percent-encoded (a 2,048-character topic of "é" is 12 KiB).
 */
export const FUZZ_MAX_BODY = 32 * 1024;
/** The hub's limit on topics, types and ids (MAX_SELECTOR_LENGTH and MAX_EVENT_ID_LENGTH are the same). */
const FIELD_LIMIT = MAX_FIELD_LENGTH;

/** `arbitrary` once in `oneIn` runs, else null (fc.option's `freq` is the other way round: 1/freq is null). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

// ---- Text ----

/** Characters the hub's text rules look at: controls, DEL, C1, format characters, surrogates, wide ones. */
const AWKWARD = [
  '\0',
  '\r',
  '\n',
  '\t',
  '\x7f',
  '\x85',
  '\u200b',
  '\u200e',
  '\u2028',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '😀',
  'é',
  '中',
  '%',
  '%2',
  '%ZZ',
  '%FF',
  '%E2%82',
  '%00',
  '%0A',
  '%F0%9F%98%80',
  '+',
  '&',
  '=',
  '#',
  '?',
  ' ',
  '"',
  '\\',
  '{',
  '}',
  '*',
  ':',
  '/',
];
const awkwardPiece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...AWKWARD) },
  { weight: 2, arbitrary: fc.string({ maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) },
);
export const awkwardText = fc.array(awkwardPiece, { maxLength: 8 }).map((pieces) => pieces.join(''));

/** Text exactly at a length limit, or one past it, in one- and two-unit characters. */
const atLimit = fc
  .tuple(fc.constantFrom(FIELD_LIMIT - 1, FIELD_LIMIT, FIELD_LIMIT + 1), fc.constantFrom('a', 'é', '😀'))
  .map(([length, char]) => char.repeat(Math.ceil(length / char.length)).slice(0, length));

// ---- Topics and selectors ----

const TOPICS = [
  'urn:fuzz:a',
  'urn:fuzz:b',
  'https://example.com/books/1',
  'https://example.com/books/1/chapters/2',
  '/relative/topic',
  '*',
  'mercure',
  '/.well-known/mercure',
  '/.well-known/mercure/subscriptions',
  'https://example.com/.well-known/mercure',
  './.well-known/%6Dercure',
  '/a/%2E%2E/.well-known/mercure',
  'earliest',
  '',
];
export const topic = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOPICS) },
  { weight: 2, arbitrary: awkwardText },
  { weight: 1, arbitrary: atLimit },
);

const SELECTORS = [
  '*',
  'urn:fuzz:a',
  'https://example.com/books/{id}',
  'https://example.com/books/{id}/chapters/{n}',
  '{id}',
  '{+path}',
  '{#frag}',
  '{.a}{.b}{.c}',
  '{/a,b}{?q*}',
  '{;x,y}',
  '{&x}',
  '{a:3}',
  '{a:10000}',
  '{=x}',
  '{}',
  '{',
  '}',
  '{{a}}',
  '{a}}',
  'https://example.com/books/:id',
  'https://example.com/books/:id/chapters/:n',
  '/books/*',
  '*a*a*a*a*b',
  '/:a:b:c',
  'https://x/(a+)+',
  '\\(x',
  'https://example.com/{id}/:x',
  ':id',
  '/relative/:name',
  'https://[::1',
];
const SELECTOR_PIECES = ['https://example.com', '/', '{', '}', 'id', '+', '#', '.', ';', '?', '&', ',', '*', ':', 'x'];
export const selector = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SELECTORS) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...SELECTOR_PIECES), awkwardPiece), { maxLength: 12 })
      .map((pieces) => pieces.join('')),
  },
  { weight: 1, arbitrary: atLimit },
);

// ---- Tokens ----

const selectorClaim = fc.oneof(
  { weight: 4, arbitrary: fc.array(selector, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
/** Claims of every shape: the Mercure claim right or wrong, draft-08 authorization_details, time claims. */
export const claims = fc.record(
  {
    mercure: fc.oneof(
      { weight: 4, arbitrary: fc.constant({ publish: ['*'], subscribe: ['*'] }) },
      {
        weight: 4,
        arbitrary: fc.record(
          { publish: selectorClaim, subscribe: selectorClaim, payload: fc.jsonValue({ maxDepth: 2 }) },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    ),
    authorization_details: fc.oneof(
      fc.array(
        fc.record(
          {
            type: fc.constantFrom('mercure', 'other', ''),
            topics: selectorClaim,
            actions: fc.oneof(fc.subarray(['publish', 'subscribe', 'other']), fc.jsonValue({ maxDepth: 1 })),
            match_type: fc.constantFrom('exact', 'urlpattern', 'template', 'regex'),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    exp: fc.oneof(
      { weight: 4, arbitrary: fc.constant('future') },
      { weight: 1, arbitrary: fc.constant('past') },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
      { weight: 1, arbitrary: fc.double({ noNaN: true, min: 4e9, max: 1e20 }) },
    ),
    nbf: fc.oneof(
      { weight: 4, arbitrary: fc.constant('past') },
      { weight: 1, arbitrary: fc.constant('future') },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
    ),
    sub: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['mercure'] },
);
export type Claims = typeof claims extends fc.Arbitrary<infer T> ? T : never;

/**
 * How a token is made; the property builds it (signing is asynchronous with jose). `garble` replaces
 * characters at the given positions; `cut` truncates; `parts` signs an arbitrary header and payload
 * with the right key, so only the decoding after the signature can refuse it.
 */
export const tokenRecipe = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('valid' as const), claims }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrong-key' as const), claims }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('other-alg' as const),
      alg: fc.constantFrom('HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA'),
      claims,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('alg-none' as const), claims }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crit' as const), claims }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('garble' as const),
      claims,
      edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom('.', 'A', '_', '-', '=', '+', '/', ' ', 'é')), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), claims, at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('parts' as const),
      header: fc.oneof(fc.constant({ alg: 'HS256' }), fc.jsonValue({ maxDepth: 2 })),
      payload: fc.oneof(fc.json({ maxDepth: 2 }), fc.string({ maxLength: 20 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      text: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,30}(\.[A-Za-z0-9_-]{0,30}){0,4}$/),
        // At the token limit and one past it (Node's 16 KiB limit on a request head refuses them first).
        fc.constantFrom(
          'a'.repeat(MAX_TOKEN_LENGTH),
          'a'.repeat(MAX_TOKEN_LENGTH + 1),
          `${'a'.repeat(MAX_TOKEN_LENGTH / 2)}.${'b'.repeat(MAX_TOKEN_LENGTH / 2)}.c`,
        ),
      ),
    }),
  },
);
export type TokenRecipe = typeof tokenRecipe extends fc.Arbitrary<infer T> ? T : never;

/** Where a request carries its token, and how the Authorization header is written. */
export const credential = fc.record({
  where: fc.constantFrom('header', 'header', 'header', 'cookie', 'cookie-draft', 'query', 'none'),
  scheme: fc.constantFrom('Bearer ', 'Bearer ', 'bearer ', 'BEARER  ', 'Basic ', 'Bearer', '', 'Bearer x '),
  token: tokenRecipe,
  origin: fc.constantFrom(undefined, 'http://app.test', 'http://evil.test', 'null', 'self'),
});
export type Credential = typeof credential extends fc.Arbitrary<infer T> ? T : never;

/** A token that may publish and subscribe to everything, in the Authorization header. */
const goodCredential: fc.Arbitrary<Credential> = fc.constant({
  where: 'header',
  scheme: 'Bearer ',
  token: { kind: 'valid', claims: { mercure: { publish: ['*'], subscribe: ['*'] } } },
  origin: undefined,
});
/** Mostly a good token, so that most bodies get past authorization to the checks of the body. */
export const publishCredential = fc.oneof(
  { weight: 3, arbitrary: goodCredential },
  { weight: 2, arbitrary: credential },
);

// ---- Publish bodies ----

const fieldName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('topic', 'topic', 'topic', 'data', 'data', 'id', 'type', 'retry', 'private'),
  },
  { weight: 1, arbitrary: fc.constantFrom('topic[]', 'Topic', 'data ', 'TYPE', 'lastEventID', '') },
  { weight: 1, arbitrary: awkwardText },
);
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: topic },
  { weight: 2, arbitrary: awkwardText },
  { weight: 1, arbitrary: fc.constantFrom('0', '1500', '86400000', '86400001', '-1', '1.5', '1e3', ' 5', '') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('#x', 'earliest', 'mercure', 'urn:uuid:00000000-0000-0000-0000-000000000000'),
  },
  { weight: 1, arbitrary: atLimit },
);
/** A JSON value where the hub expects a string: sometimes not a string at all. */
const jsonFieldValue = fc.oneof(
  { weight: 5, arbitrary: fieldValue },
  { weight: 1, arbitrary: fc.array(fieldValue, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** An update as a publisher sends it, with its fields in any order: most such get a 200 (or a 409). */
const wellFormedFields = fc
  .record(
    {
      topics: fc.array(fc.stringMatching(/^(urn:fuzz:|https:\/\/example\.com\/)[A-Za-z0-9/._~-]{1,20}$/), {
        minLength: 1,
        maxLength: 3,
      }),
      data: fc.oneof(awkwardText, fc.string({ unit: 'grapheme', maxLength: 40 })),
      id: fc.option(fc.uuid().map((uuid) => `urn:fuzz:${uuid.slice(0, 4)}`)),
      type: fc.option(fc.stringMatching(/^[a-z]{1,10}$/)),
      retry: fc.option(fc.nat(100_000).map(String)),
      private: fc.option(fc.constantFrom('', 'on')),
    },
    { requiredKeys: ['topics', 'data'] },
  )
  .chain((update) => {
    const fields: [string, string][] = [...update.topics.map((t): [string, string] => ['topic', t])];
    fields.push(['data', update.data]);
    for (const name of ['id', 'type', 'retry', 'private'] as const) {
      const value = update[name];
      if (value !== undefined && value !== null) fields.push([name, value]);
    }
    return fc.shuffledSubarray(fields, { minLength: fields.length, maxLength: fields.length });
  });

export const publishBody = fc.record({
  fields: fc.oneof(
    { weight: 3, arbitrary: wellFormedFields },
    { weight: 2, arbitrary: fc.array(fc.tuple(fieldName, jsonFieldValue), { maxLength: 8 }) },
  ),
  encoding: fc.constantFrom('form', 'form', 'form-raw', 'json', 'json', 'json-text', 'bytes'),
  /** Bytes slipped in at a position of the encoded body: invalid UTF-8, a broken escape, a NUL. */
  splice: sometimes(
    fc.tuple(
      fc.nat(),
      fc.constantFrom(
        [0xff],
        [0xc3],
        [0xed, 0xa0, 0x80],
        [0xc0, 0xaf],
        [0x25],
        [0x25, 0x5a],
        [0x00],
        [0x26, 0x26],
        [0x22],
        [0x7b],
      ),
    ),
    4,
  ),
  /** Padded to exactly this many bytes: the limit, or one past it. */
  padTo: sometimes(fc.constantFrom(FUZZ_MAX_BODY - 1, FUZZ_MAX_BODY, FUZZ_MAX_BODY + 1, 1024 * 1024 + 1), 6),
  randomBytes: fc.uint8Array({ maxLength: 64 }),
  jsonText: fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 })),
  /** "matching": the one that goes with the encoding (form or JSON), as a publisher sends it. */
  contentType: fc.constantFrom(
    'matching',
    'matching',
    'matching',
    'matching',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded',
    'application/json',
    'application/json',
    'application/ld+json',
    'APPLICATION/JSON; charset=utf-8',
    'application/x-www-form-urlencoded; charset=iso-8859-1',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
    ';',
    undefined,
  ),
});
export type PublishBody = typeof publishBody extends fc.Arbitrary<infer T> ? T : never;

/** The Content-Type header of a publish body, or undefined for none. */
export function publishContentType(body: PublishBody): string | undefined {
  if (body.contentType !== 'matching') return body.contentType;
  return body.encoding.startsWith('json') ? 'application/json' : 'application/x-www-form-urlencoded';
}

const encoder = new TextEncoder();
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The bytes of a publish body (its encoding, splice and padding applied). */
export function encodePublishBody(body: PublishBody): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  const fields: [string, unknown][] = body.fields;
  if (body.encoding === 'form') {
    bytes = encoder.encode(new URLSearchParams(fields.map(([name, value]) => [name, asText(value)])).toString());
  } else if (body.encoding === 'form-raw') {
    bytes = encoder.encode(fields.map(([name, value]) => `${name}=${asText(value)}`).join('&'));
  } else if (body.encoding === 'json') {
    // Written by hand, so that a name may come twice (JSON.parse keeps the last one).
    const members = fields.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
    bytes = encoder.encode(`{${members.join(',')}}`);
  } else if (body.encoding === 'json-text') {
    bytes = encoder.encode(body.jsonText);
  } else {
    bytes = Uint8Array.from(body.randomBytes);
  }
  if (body.splice !== null) {
    const [at, inserted] = body.splice;
    const position = at % (bytes.length + 1);
    bytes = Uint8Array.from([...bytes.subarray(0, position), ...inserted, ...bytes.subarray(position)]);
  }
  if (body.padTo !== null && bytes.length < body.padTo) {
    // JSON takes trailing white space; a form takes another field.
    const json = body.encoding.startsWith('json');
    const filler = json ? ' ' : 'x';
    const prefix = json ? '' : '&pad=';
    const padding = encoder.encode(prefix + filler.repeat(Math.max(0, body.padTo - bytes.length - prefix.length)));
    const padded = new Uint8Array(bytes.length + padding.length);
    padded.set(bytes);
    padded.set(padding, bytes.length);
    bytes = padded;
  }
  return bytes;
}

// ---- Subscribe queries and headers ----

const paramName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('topic', 'topic', 'match', 'match_exact', 'match_urlpattern', 'lastEventID'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'last_event_id',
      'authorization',
      'MATCH_URLPATTERN',
      'match_regex',
      'matches',
      'Match',
      'LastEventID',
      'topic[]',
      '',
    ),
  },
  { weight: 1, arbitrary: awkwardText },
);

/** A selector parameter as a client writes it: the common case, so that many subscriptions open. */
const wellFormedParam = fc.record({
  name: fc.constantFrom('topic', 'topic', 'topic', 'match', 'match_urlpattern'),
  value: fc.constantFrom(...SELECTORS),
  raw: fc.constant(false),
});
const anyParam = fc.record({
  name: paramName,
  value: fc.oneof(
    { weight: 4, arbitrary: selector },
    { weight: 1, arbitrary: fc.constantFrom('earliest', '', 'known-id', 'urn:uuid:unknown') },
    { weight: 1, arbitrary: awkwardText },
  ),
  /** encoded: as URLSearchParams writes it; raw: pasted into the URL as it is. */
  raw: fc.boolean(),
});

export const subscribeRequest = fc.record({
  params: fc.array(fc.oneof({ weight: 3, arbitrary: wellFormedParam }, { weight: 2, arbitrary: anyParam }), {
    maxLength: 6,
  }),
  /** Many selectors: up to the limit per subscription, and one past it. */
  repeatTopic: sometimes(
    fc.constantFrom(
      MAX_SELECTORS_PER_SUBSCRIPTION - 1,
      MAX_SELECTORS_PER_SUBSCRIPTION,
      MAX_SELECTORS_PER_SUBSCRIPTION + 1,
    ),
    8,
  ),
  lastEventIdHeader: sometimes(
    fc.oneof(fc.constantFrom('earliest', 'known-id', '', 'x'.repeat(FIELD_LIMIT + 1)), awkwardText),
    3,
  ),
  accept: fc.constantFrom(undefined, 'text/event-stream', 'text/event-stream', '*/*', 'application/json', 'text/*', ''),
  credential: fc.oneof(
    { weight: 2, arbitrary: credential.map((given): Credential => ({ ...given, where: 'none' })) },
    { weight: 2, arbitrary: goodCredential },
    { weight: 3, arbitrary: credential },
  ),
});
export type SubscribeRequest = typeof subscribeRequest extends fc.Arbitrary<infer T> ? T : never;

/** A string fetch (undici) sends as a header value: tab and Latin-1 without controls; it throws otherwise. */
export function headerSafe(text: string): string {
  return text.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?');
}

/** The UTF-8 bytes of `text` as a Latin-1 string: how browsers send a non-ASCII Last-Event-ID. */
export function utf8AsLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

// ---- Raw requests ----

const rawTarget = fc.constantFrom(
  '/.well-known/mercure?topic=%ZZ',
  '/.well-known/mercure?topic=urn:fuzz:raw&Last-Event-ID=x',
  '/healthz',
  '/metrics',
  '/',
  '*',
  'http://other.test/.well-known/mercure',
  '/%',
  '//x',
  '/.well-known/mercure/../mercure',
  `/${'a'.repeat(20_000)}`,
);

/**
 * Whether bytes follow the request on its connection (a trailer; a body without a Content-Length, or longer
 * than it says), which Node reads as a next request.
 */
export const rawRequest = fc.record({
  // Mostly a publish, whose body the hub reads: that is where the framing matters.
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('POST') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('GET', 'PUT', 'OPTIONS', 'HEAD', 'DELETE', 'CONNECT', 'TRACE', 'G T', ''),
    },
  ),
  target: fc.oneof({ weight: 6, arbitrary: fc.constant('/.well-known/mercure') }, { weight: 1, arbitrary: rawTarget }),
  version: fc.oneof(
    { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
    { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', '') },
  ),
  /** How Content-Length relates to the body. */
  framing: fc.constantFrom(
    'exact',
    'exact',
    'shorter',
    'longer',
    'none',
    'chunked',
    'bad-chunked',
    'both',
    'twice',
    'junk',
  ),
  body: publishBody,
  extraHeaders: fc.array(
    fc.tuple(
      // No Connection header: every request says `Connection: close`, so that the hub ends each exchange.
      fc.constantFrom('Content-Type', 'Cookie', 'Last-Event-ID', 'Origin', 'Expect', 'Host', 'X-Fuzz', 'Accept'),
      fc.oneof(
        fc.constantFrom('100-continue', 'application/json', 'mercureAuthorization=x.y.z', 'é'),
        awkwardText,
        fc.constantFrom('x'.repeat(17_000)), // past Node's 16 KiB head: 431
      ),
    ),
    { maxLength: 3, size: 'xsmall' },
  ),
  /** Garbage after the request, read by the hub as the next one on the connection. */
  trailer: sometimes(
    fc.oneof(fc.constantFrom('GET / HTTP/1.1\r\n\r\n', '\r\n\r\n', 'x'), fc.string({ maxLength: 20 })),
    4,
  ),
});
export type RawRequest = typeof rawRequest extends fc.Arbitrary<infer T> ? T : never;

/** The bytes of a raw request: request line, headers (bytes as given, UTF-8 included), body and trailer. */
export function encodeRawRequest(request: RawRequest, authorization: string): Buffer {
  const body = Buffer.from(encodePublishBody(request.body));
  const lines = [
    `${request.method} ${request.target} ${request.version}`,
    'Host: 127.0.0.1',
    'Connection: close',
    authorization,
  ];
  let payload = body;
  switch (request.framing) {
    case 'exact':
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'shorter':
      lines.push(`Content-Length: ${Math.max(0, body.length - 3)}`);
      break;
    case 'longer':
      lines.push(`Content-Length: ${body.length + 10}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'bad-chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), body]);
      break;
    case 'both':
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      break;
    case 'twice':
      lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
      break;
    case 'junk':
      lines.push('Content-Length: 1e3');
      break;
    default:
      break;
  }
  const contentType = publishContentType(request.body);
  if (contentType !== undefined) lines.push(`Content-Type: ${contentType}`);
  for (const [name, value] of request.extraHeaders) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return Buffer.concat([head, payload, Buffer.from(request.trailer ?? '', 'utf8')]);
}
