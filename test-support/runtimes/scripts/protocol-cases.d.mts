// Types of protocol-cases.mjs, for the Node test that imports EXPECTED from it.
export interface ExpectedEvent {
  type: string;
  data: string;
  lastEventId: string;
}
export declare const STREAM: string;
export declare const EXPECTED: { events: ExpectedEvent[]; retries: number[]; comments: string[] };
export declare function trickyChunks(): Uint8Array[];
export declare function byteChunks(): Uint8Array[];
