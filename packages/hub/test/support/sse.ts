// A test subscriber: opens a stream with fetch and parses it with @tidings/protocol.

import { createSigningKey, signJwt } from '@tidings/hub';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { KEY } from './hub-process.ts';

export interface Subscription {
  readonly status: number;
  readonly headers: Headers;
  readonly events: ParsedEvent[];
  readonly comments: string[];
  /** The raw text received so far. */
  raw(): string;
  /** Resolves once `count` events arrived (rejects after `timeoutMs`). */
  waitForEvents(count: number, timeoutMs?: number): Promise<ParsedEvent[]>;
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export function token(claims: Record<string, unknown>, key = KEY): string {
  return signJwt(claims, createSigningKey('HS256', key));
}

export function url(hubUrl: string, params: [string, string][]): string {
  const target = new URL(hubUrl);
  for (const [name, value] of params) target.searchParams.append(name, value);
  return target.href;
}

export async function subscribe(target: string, headers: Record<string, string> = {}): Promise<Subscription> {
  const controller = new AbortController();
  const response = await fetch(target, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: ParsedEvent[] = [];
  const comments: string[] = [];
  let raw = '';
  const listeners = new Set<() => void>();
  const parser = createParser({ onEvent: (event) => events.push(event), onComment: (text) => comments.push(text) });
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        parser.feed(chunk);
        for (const listener of listeners) listener();
      }
    } catch {
      // aborted by close()
    }
    for (const listener of listeners) listener();
  })();
  let done = false;
  ended.then(() => (done = true));
  const waitFor = (predicate: () => boolean, what: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (predicate()) return resolve();
      const check = () => {
        if (predicate()) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        } else if (done) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`stream ended before ${what}; received:\n${raw}`));
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; received:\n${raw}`));
      }, timeoutMs);
      listeners.add(check);
    });
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    raw: () => raw,
    ended,
    waitFor,
    async waitForEvents(count, timeoutMs) {
      await waitFor(() => events.length >= count, `${count} events`, timeoutMs);
      return events.slice(0, count);
    },
    close: () => controller.abort(),
  };
}

/** POSTs an update as a form; resolves status and body text. */
export async function publish(
  hubUrl: string,
  fields: [string, string][],
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(hubUrl, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

export const PUBLISH_ALL = { mercure: { publish: ['*'] } };
