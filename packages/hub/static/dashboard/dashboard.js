// The hub dashboard: live figures from /dashboard/stats, topics in use, a publish form and a live pane.
// It uses the project's own EventSource (the @tidings/client bundle served by the hub) because the
// stats stream and the live pane send the token in an Authorization header, which the browser's
// native EventSource cannot do.

import { formatDuration, formatTime } from '/dashboard/format.js';
import { publishHint, subscribeHint } from '/dashboard/hints.js';
import { createSparkline, drawSparkline } from '/dashboard/sparkline.js';
import { EventSource, iterate } from '/dashboard/tidings-client.js';

/** Samples each chart shows (one a second: the last minute). */
const CHART_SLOTS = 60;
/** Entries the live pane keeps. */
const LIVE_LIMIT = 200;
const TOKEN_KEY = 'tidings-dashboard-token';
const $ = (id) => document.getElementById(id);

// ---- the token: from the link's #token=… (npm start prints one), or pasted; kept in this tab only ----

const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromLink) {
  sessionStorage.setItem(TOKEN_KEY, fromLink);
  // Out of the address bar, the history and bookmarks.
  history.replaceState(null, '', location.pathname + location.search);
}
const tokenInput = $('token');
tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
const token = () => tokenInput.value.trim();
const authorization = () => (token() ? { authorization: `Bearer ${token()}` } : {});
tokenInput.addEventListener('change', () => {
  if (token()) sessionStorage.setItem(TOKEN_KEY, token());
  else sessionStorage.removeItem(TOKEN_KEY);
  openStats(); // topic names shown depend on the token
});
$('token-form').addEventListener('submit', (event) => event.preventDefault());

// ---- live figures ----

const charts = {
  subscribers: createSparkline('subscribers over the last minute'),
  publishRate: createSparkline('publish rate over the last minute'),
  deliveryRate: createSparkline('delivery rate over the last minute'),
};
$('subscribers-chart').append(charts.subscribers);
$('publish-chart').append(charts.publishRate);
$('delivery-chart').append(charts.deliveryRate);
let samples = [];
/** How the hub is configured (from the stats), for the hints on refusals; unknown until the first stats. */
let hubInfo = { publishing: true, anonymous: false };

function showTopics(view) {
  const body = $('topics').querySelector('tbody');
  body.replaceChildren(
    ...view.topics.map((topic) => {
      const row = document.createElement('tr');
      row.dataset.selector = topic.selector;
      const name = document.createElement('td');
      name.textContent = topic.selector;
      const count = document.createElement('td');
      count.className = 'number subscribers';
      count.textContent = String(topic.subscribers);
      row.append(name, count);
      return row;
    }),
  );
  const notes = [];
  if (view.topics.length === 0 && view.topicsNotShown === 0) notes.push('No subscriptions right now.');
  // With active subscriptions on, the list is every node's (the subscription API's data), not this node's.
  if (view.topicsSource === 'subscriptions') notes.push('Every node of the hub, from its active subscriptions.');
  if (view.topicsNotShown > 0) {
    notes.push(
      `${view.topicsNotShown} selector(s) not shown: this hub uses tokens, so topic names are shown only to a publisher token allowed to publish to them.`,
    );
  }
  $('topics-note').textContent = notes.join(' ');
}

function showStats(view) {
  hubInfo = view.hub;
  if (view.samples) samples = view.samples.slice();
  else
    samples.push({
      time: view.time,
      subscribers: view.subscribers,
      publishRate: view.publishRate,
      deliveryRate: view.deliveryRate,
    });
  samples = samples.slice(-CHART_SLOTS);
  $('subscribers').textContent = String(view.subscribers);
  $('publish-rate').textContent = view.publishRate.toFixed(1);
  $('delivery-rate').textContent = view.deliveryRate.toFixed(1);
  $('updates-published').textContent = String(view.updatesPublished);
  $('events-delivered').textContent = String(view.eventsDelivered);
  $('slow-disconnects').textContent = String(view.slowDisconnects);
  $('uptime').textContent = formatDuration(view.uptimeSeconds);
  for (const [name, svg] of Object.entries(charts)) {
    drawSparkline(
      svg,
      samples.map((sample) => sample[name]),
      CHART_SLOTS,
    );
  }
  showTopics(view);
  if (!view.hub.publishing) {
    $('publish-result').textContent =
      'This hub has no publisher key, so publishing over HTTP is off (start it with --jwt-key).';
  }
}

const STATE_NAMES = ['connecting', 'open', 'closed'];
let stats = null;
function openStats() {
  stats?.close();
  stats = new EventSource('/dashboard/stats', { headers: authorization });
  const state = $('stats-state');
  const update = () => {
    state.textContent = STATE_NAMES[stats.readyState];
    state.dataset.state = STATE_NAMES[stats.readyState];
  };
  stats.addEventListener('open', update);
  stats.addEventListener('error', update);
  stats.addEventListener('stats', (event) => {
    update();
    showStats(JSON.parse(event.data));
  });
}
openStats();

// ---- publish ----

$('publish-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = new URLSearchParams();
  body.append('topic', String(form.get('topic')));
  body.append('data', String(form.get('data')));
  for (const name of ['type', 'id']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) body.append(name, value);
  }
  if (form.get('private')) body.append('private', 'on');
  const result = $('publish-result');
  result.className = '';
  result.textContent = 'publishing…';
  try {
    const response = await fetch('/.well-known/mercure', { method: 'POST', headers: authorization(), body });
    const text = (await response.text()).trim();
    if (response.ok) {
      result.dataset.id = text;
      result.textContent = `Published, id ${text}`;
    } else {
      result.className = 'error';
      const hint = publishHint({ status: response.status, tokenSent: token() !== '' });
      result.textContent = `${response.status}: ${text}${hint ? ` (${hint})` : ''}`;
    }
  } catch (error) {
    result.className = 'error';
    result.textContent = `the hub did not answer: ${error.message}`;
  }
});

// ---- live pane ----

let live = null;
$('live-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  live?.abort();
  live = new AbortController();
  $('live').replaceChildren();
  const url = new URL('/.well-known/mercure', location.href);
  url.searchParams.set('topic', String(form.get('topic')));
  const withToken = form.get('withToken') !== null && token() !== '';
  listen(url, withToken ? authorization : () => ({}), withToken, live.signal);
});

async function listen(url, headers, tokenSent, signal) {
  const state = $('live-state');
  const show = (name, text = name) => {
    state.dataset.state = name;
    state.textContent = text;
  };
  show('connecting');
  try {
    const events = iterate(url, {
      headers,
      signal,
      onOpen: () => show('open'),
      onError: () => show('connecting', 'reconnecting'),
    });
    for await (const event of events) addLive(event);
    if (!signal.aborted) show('closed');
  } catch (error) {
    const hint = subscribeHint({ status: error.status, tokenSent, anonymous: hubInfo.anonymous });
    show('closed', `closed: ${error.status ?? ''} ${error.message}${hint ? ` (${hint})` : ''}`);
  }
}

function addLive(event) {
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  item.dataset.type = event.type;
  const time = document.createElement('time');
  time.textContent = formatTime();
  const code = document.createElement('code');
  code.textContent = `#${event.lastEventId} ${event.type}`;
  const data = document.createElement('span');
  data.className = 'data';
  data.textContent = event.data;
  item.append(time, ' ', code, ' ', data);
  const list = $('live');
  list.prepend(item);
  while (list.children.length > LIVE_LIMIT) list.lastElementChild.remove();
}
