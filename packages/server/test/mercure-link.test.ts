// mercureLink (Mercure draft-08 "Hub Discovery"): the Link header a publisher's responses carry, read back
// over real HTTP with an RFC 8288 parser written for this test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_EVENT_ID_LENGTH, mercureLink } from '@tidings/server';
import { listen } from './helpers.ts';

interface Link {
  href: string;
  params: Record<string, string>;
}

/** Parses a Link header value (RFC 8288 3): `<uri>; name="quoted"; name*=UTF-8''ext, <uri>; …`. */
function parseLinks(value: string): Link[] {
  const links: Link[] = [];
  const pattern =
    /\s*<([^>]*)>((?:\s*;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s;,]+))*)\s*(?:,|$)/y;
  while (pattern.lastIndex < value.length) {
    const match = pattern.exec(value);
    if (match === null) break;
    const params: Record<string, string> = {};
    for (const [, name, quoted, bare] of match[2]!.matchAll(
      /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;,]+))/g,
    )) {
      if (name!.endsWith('*')) {
        // [spec] RFC 8187 3.2: charset'language'percent-encoded bytes.
        const [, charset, encoded] = /^([^']*)'[^']*'(.*)$/.exec(bare ?? quoted!)!;
        assert.equal(charset!.toUpperCase(), 'UTF-8');
        params[name!.slice(0, -1)] = decodeURIComponent(encoded!);
      } else {
        params[name!] = quoted === undefined ? bare! : quoted.replace(/\\(.)/g, '$1');
      }
    }
    links.push({ href: match[1]!, params });
  }
  assert.equal(pattern.lastIndex, value.length, `the whole header parses: ${value}`);
  return links;
}

const HUB = 'https://example.com/.well-known/mercure';

describe('mercureLink', () => {
  it('a publisher response names the hub with rel="mercure" and the target attributes', async () => {
    const server = await listen((_req, res) => {
      res.setHeader('content-type', 'application/ld+json');
      res.setHeader('link', '</books/foo.jsonld>; rel="self"');
      // appendHeader keeps the resource's other links.
      res.appendHeader(
        'link',
        mercureLink(HUB, {
          lastEventId: 'urn:uuid:1b9a2f',
          contentType: 'application/merge-patch+json',
          event: 'book',
        }),
      );
      res.end('{"@id":"/books/foo"}');
    });
    try {
      const response = await fetch(`${server.url}/books/foo`);
      await response.text();
      const links = parseLinks(response.headers.get('link') ?? '');
      assert.deepEqual(links, [
        { href: '/books/foo.jsonld', params: { rel: 'self' } },
        {
          href: HUB,
          params: {
            rel: 'mercure',
            'last-event-id': 'urn:uuid:1b9a2f',
            'content-type': 'application/merge-patch+json',
            type: 'book',
          },
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('several hubs give one link each; values survive quoting and non-ASCII (RFC 8187) over HTTP', async () => {
    const id = 'évènement "7" \\ 日本 😀';
    const value = mercureLink([HUB, new URL('https://backup.example.com/hub path/.well-known/mercure')], {
      lastEventId: id,
    });
    const server = await listen((_req, res) => {
      res.setHeader('link', value);
      res.end();
    });
    try {
      const response = await fetch(server.url);
      await response.text();
      const links = parseLinks(response.headers.get('link') ?? '');
      assert.deepEqual(
        links.map((l) => [l.href, l.params.rel, l.params['last-event-id']]),
        [
          [HUB, 'mercure', id],
          ['https://backup.example.com/hub%20path/.well-known/mercure', 'mercure', id],
        ],
      );
      assert.match(value, /last-event-id\*=UTF-8''/);
      assert.match(mercureLink(HUB, { lastEventId: 'a "b" \\c' }), /; last-event-id="a \\"b\\" \\\\c"$/);
    } finally {
      await server.close();
    }
  });

  it('refuses what would break the header or the protocol, with a TypeError', () => {
    const bad: [string, () => string][] = [
      ['a relative URL', () => mercureLink('/.well-known/mercure')],
      ['a non-http URL', () => mercureLink('javascript:alert(1)')],
      ['no hub', () => mercureLink([])],
      ['CR LF in an attribute (header injection)', () => mercureLink(HUB, { lastEventId: 'x\r\nSet-Cookie: a=b' })],
      ['NUL', () => mercureLink(HUB, { contentType: 'text/plain\u0000' })],
      ['a lone surrogate', () => mercureLink(HUB, { lastEventId: '\ud800' })],
      ['the reserved mercure type', () => mercureLink(HUB, { event: 'mercure' })],
      ['an empty attribute', () => mercureLink(HUB, { event: '' })],
      ['the old name of event', () => mercureLink(HUB, { type: 'book' } as never)],
      ['an id over MAX_EVENT_ID_LENGTH', () => mercureLink(HUB, { lastEventId: 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) })],
    ];
    for (const [what, call] of bad) assert.throws(call, TypeError, what);
    assert.equal(
      mercureLink(HUB, { lastEventId: 'x'.repeat(MAX_EVENT_ID_LENGTH) }).length,
      `<${HUB}>; rel="mercure"; last-event-id=""`.length + MAX_EVENT_ID_LENGTH,
    );
    assert.equal(mercureLink(HUB), `<${HUB}>; rel="mercure"`);
  });
});
