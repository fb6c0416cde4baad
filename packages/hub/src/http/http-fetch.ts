/** The hub on the Fetch API: translates Request to HubRequest and HubAnswer to Response. */
import { createFetchSession, readFetchBody } from '@tidings/server/fetch';
import type { HubCore } from '../create-hub.js';
import type { HubRequest } from './hub-request.js';

/** What a runtime may tell the Fetch handler besides the request. */
export interface FetchInfo {
  /** The client's IP address, for the per-client limits (without it they do not apply). */
  clientAddress?: string;
}

function toHubRequest(request: Request, info: FetchInfo | undefined): HubRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    peerAddress: typeof info?.clientAddress === 'string' ? info.clientAddress : null,
    header: (name) => request.headers.get(name) ?? undefined,
    readBody: (maxBytes) => readFetchBody(request, maxBytes),
  };
}

/** Answers one request with the hub (the `hub.fetch` handler). */
export async function answerFetch(core: HubCore, request: Request, info?: FetchInfo): Promise<Response> {
  try {
    const answer = await core.answer(toHubRequest(request, info));
    if (answer === null) {
      for (const handler of core.extraHandlers) {
        const response = await handler(request);
        if (response) return response;
      }
      return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    if (answer.kind === 'response') {
      return new Response(answer.status === 204 ? null : answer.body, {
        status: answer.status,
        headers: answer.headers,
      });
    }
    const { session, response } = createFetchSession(request, {
      ...core.sessionOptions,
      headers: answer.headers,
      lastEventId: answer.lastEventId,
    });
    answer.start(session);
    return response;
  } catch (error) {
    core.log.error('request failed', { error: error instanceof Error ? error.name : 'unknown' });
    return new Response('internal error\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
}
