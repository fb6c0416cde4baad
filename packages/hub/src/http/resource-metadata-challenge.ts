/**
 * Adds `resource_metadata` to the Bearer challenge of every 401 and 403 the hub answers.
 *
 * [spec] draft-08 "Error Responses": every token-related 401 or 403 carries a `WWW-Authenticate: Bearer`
 * challenge, and the challenge SHOULD include `resource_metadata` (RFC 9728 5.1), the absolute URL of the
 * protected resource metadata, not only when no token was sent. Done once where answers leave the hub, so
 * no route can forget it; a 401 or 403 without a challenge (the cookie CSRF check) gets a bare one.
 */
import type { HubAnswer } from './hub-request.js';

/** `answer` with `resource_metadata="<metadataUrl>"` in the challenge of its 401s and 403s. */
export function withResourceMetadata<A extends HubAnswer | null>(answer: A, metadataUrl: string): A {
  if (answer === null || answer.kind !== 'response' || (answer.status !== 401 && answer.status !== 403)) return answer;
  const challenge = answer.headers['www-authenticate'];
  const param = `resource_metadata="${metadataUrl.replace(/["\\]/g, '\\$&')}"`;
  // [spec] RFC 9110 11.6.1: auth-params follow the scheme, separated by commas.
  const value =
    challenge === undefined || challenge === 'Bearer'
      ? `Bearer ${param}`
      : challenge.startsWith('Bearer ')
        ? `${challenge}, ${param}`
        : challenge;
  return { ...answer, headers: { ...answer.headers, 'www-authenticate': value } };
}
