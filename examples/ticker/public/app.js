// The ticker page: `price` events with JSON data update one table row per symbol and its chart, an inline
// SVG line of the last prices (no chart library, nothing loaded from elsewhere).
import { logEvent, onPlaceLost, showGaps, showState, timeOfDay } from './sse-page.js';

/** How many prices each chart shows. */
const CHART_POINTS = 60;
const CHART_WIDTH = 120;
const CHART_HEIGHT = 25;
const SVG = 'http://www.w3.org/2000/svg';

const source = new EventSource('/prices');
showState(source, document.getElementById('state'));
const log = document.getElementById('log');
showGaps(source, log);
const rows = new Map();

function rowFor(symbol) {
  let row = rows.get(symbol);
  if (row) return row;
  const tr = document.createElement('tr');
  tr.dataset.symbol = symbol;
  const cells = ['symbol', 'price', 'change', 'time', 'chart'].map((name) => {
    const td = document.createElement('td');
    td.className = name === 'price' || name === 'change' ? `${name} number` : name;
    tr.append(td);
    return td;
  });
  cells[0].textContent = symbol;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${symbol} price chart`);
  const line = document.createElementNS(SVG, 'polyline');
  svg.append(line);
  cells[4].append(svg);
  document.querySelector('#quotes tbody').append(tr);
  row = { tr, price: cells[1], change: cells[2], time: cells[3], line, prices: [] };
  rows.set(symbol, row);
  return row;
}

/** Redraws a chart: x spreads the points over the width, y scales them between their low and high. */
function drawChart(row) {
  const { prices, line } = row;
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  const span = high - low || 1;
  const step = CHART_WIDTH / Math.max(CHART_POINTS - 1, 1);
  const points = prices.map((price, i) => {
    const x = (i * step).toFixed(1);
    const y = (CHART_HEIGHT - ((price - low) / span) * CHART_HEIGHT).toFixed(1);
    return `${x},${y}`;
  });
  line.setAttribute('points', points.join(' '));
  line.dataset.count = String(prices.length);
}

// A chart draws consecutive prices. When the server lost this page's place (after a restart its walk starts
// over), the replay brings the oldest prices it still has: each chart starts again from those rather than
// joining two runs into one line.
onPlaceLost(source, () => {
  for (const row of rows.values()) {
    row.prices = [];
    drawChart(row);
  }
});

source.addEventListener('price', (event) => {
  const quote = JSON.parse(event.data);
  const row = rowFor(quote.symbol);
  row.price.textContent = quote.price.toFixed(2);
  row.change.textContent = `${quote.change >= 0 ? '+' : ''}${quote.change.toFixed(2)}`;
  row.tr.className = quote.change > 0 ? 'up' : quote.change < 0 ? 'down' : '';
  row.time.textContent = timeOfDay(new Date(quote.time));
  row.prices.push(quote.price);
  if (row.prices.length > CHART_POINTS) row.prices.shift();
  drawChart(row);
  logEvent(log, event, `${quote.symbol} ${quote.price.toFixed(2)}`);
});
