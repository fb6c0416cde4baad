// A lean event-stream reader for the load generators: they read hundreds of thousands of events a second
// and must stay cheaper than the server they measure. Text in (decoded as latin1: the benches send ASCII
// only, and latin1 is the cheapest decoding), `onEvent(id, type, data)` out, per the WHATWG rules the
// benches need: `field: value` and `field:value`, several `data` lines joined by LF, comments ignored, a
// blank line dispatches, an event with no data is not dispatched, `id` persists across events.
export function createEventReader(onEvent) {
  let rest = '';
  let id = '';
  let type = '';
  let data = null;
  return (chunk) => {
    const text = rest === '' ? chunk : rest + chunk;
    let at = 0;
    for (;;) {
      const end = text.indexOf('\n', at);
      if (end < 0) break;
      let lineEnd = end;
      if (lineEnd > at && text.charCodeAt(lineEnd - 1) === 13) lineEnd--; // CRLF
      if (lineEnd === at) {
        if (data !== null) onEvent(id, type, data);
        data = null;
        type = '';
      } else if (text.charCodeAt(at) !== 58 /* ':' comment */) {
        const colon = text.indexOf(':', at);
        const hasColon = colon >= 0 && colon < lineEnd;
        const name = hasColon ? text.slice(at, colon) : text.slice(at, lineEnd);
        let from = hasColon ? colon + 1 : lineEnd;
        if (from < lineEnd && text.charCodeAt(from) === 32) from++;
        const value = text.slice(from, lineEnd);
        if (name === 'data') data = data === null ? value : `${data}\n${value}`;
        else if (name === 'id') id = value;
        else if (name === 'event') type = value;
      }
      at = end + 1;
    }
    rest = at === text.length ? '' : text.slice(at);
  };
}
