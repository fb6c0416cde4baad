// Ticker demo: `price` events (JSON) update one table row per symbol and its chart of the last prices. The
// page asks for the history first, so the charts open with the prices the demos' hub still keeps instead of
// starting empty, then follow live.
import { createSparkline, drawSparkline } from '/dashboard/sparkline.js';
import { logEvent, onPlaceLost, subscribe, timeOfDay } from '/demo/demo-page.js';

/** How many prices each chart shows. */
const CHART_POINTS = 60;
const source = subscribe('urn:tidings:demo:ticker', { history: true });
const rows = new Map();

function rowFor(symbol) {
  let row = rows.get(symbol);
  if (row) return row;
  const tr = document.createElement('tr');
  tr.dataset.symbol = symbol;
  const cells = ['symbol', 'price number', 'change number', 'time number', 'chart'].map((name) => {
    const td = document.createElement('td');
    td.className = name;
    tr.append(td);
    return td;
  });
  cells[0].textContent = symbol;
  const chart = createSparkline(`${symbol} price chart`);
  cells[4].append(chart);
  document.querySelector('#quotes tbody').append(tr);
  row = { tr, price: cells[1], change: cells[2], time: cells[3], chart, prices: [], ids: [] };
  rows.set(symbol, row);
  return row;
}

source.addEventListener('price', (event) => {
  const quote = JSON.parse(event.data);
  const row = rowFor(quote.symbol);
  row.price.textContent = quote.price.toFixed(2);
  row.change.textContent = `${quote.change >= 0 ? '+' : ''}${quote.change.toFixed(2)}`;
  row.tr.className = quote.change > 0 ? 'up' : quote.change < 0 ? 'down' : '';
  row.time.textContent = timeOfDay(new Date(quote.time));
  row.prices.push(quote.price);
  row.ids.push(event.lastEventId);
  if (row.prices.length > CHART_POINTS) {
    row.prices.shift();
    row.ids.shift();
  }
  drawSparkline(row.chart, row.prices, CHART_POINTS, false);
  // The id of the oldest price drawn: after the history fill, one published before the page opened.
  row.chart.dataset.firstId = row.ids[0];
  logEvent(event, `${quote.symbol} ${quote.price.toFixed(2)}`);
});

// The hub lost the page's place (it restarted): the prices that follow do not continue the charts.
onPlaceLost(source, () => {
  for (const row of rows.values()) {
    row.prices.length = 0;
    row.ids.length = 0;
  }
});
