#!/usr/bin/env node
// `npm start`: runs the best thing the repository has to show.
// Until the hub lands, that is a live clock: a page whose EventSource receives the server's time each second.
import { createServer } from 'node:http';
import { formatComment, formatEvent } from '@tidings/protocol';

const port = Number(process.env.PORT ?? 3000);
const clients = new Set();
const page = `<!doctype html><meta charset="utf-8"><title>Tidings clock</title>
<h1 id="time">connecting…</h1><p id="state"></p>
<script>
  const source = new EventSource('/events');
  const names = ['connecting', 'open', 'closed'];
  const show = () => (document.getElementById('state').textContent = names[source.readyState]);
  source.addEventListener('time', (event) => { document.getElementById('time').textContent = event.data; show(); });
  source.onopen = source.onerror = show;
</script>`;

createServer((req, res) => {
  if (req.url !== '/events') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.write(formatEvent({ retry: 2000 }));
  clients.add(res);
  req.on('close', () => clients.delete(res));
}).listen(port, '127.0.0.1', () => console.log(`clock on http://127.0.0.1:${port}/`));

setInterval(() => {
  const event = formatEvent({ event: 'time', data: new Date().toISOString() });
  for (const res of clients) res.write(event);
}, 1000);
setInterval(() => {
  for (const res of clients) res.write(formatComment('keep-alive'));
}, 15000);
