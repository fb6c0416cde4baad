// Draws a small line chart of numbers into an inline <svg class="chart"> (no chart library): x spreads
// the points over the width, y scales them between 0 (or their low) and their high.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 120;
const HEIGHT = 30;

/** Creates an empty chart; `label` is read by screen readers. */
export function createSparkline(label) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.append(document.createElementNS(SVG, 'polyline'));
  return svg;
}

/**
 * Redraws `svg` with `values` (oldest first), drawn over `slots` positions so the line scrolls left as
 * values arrive. `fromZero` keeps 0 at the bottom (rates, counts); otherwise the low is (prices).
 * The last value and the count are kept in data attributes, for tests and for curious readers.
 */
export function drawSparkline(svg, values, slots, fromZero = true) {
  const line = svg.querySelector('polyline');
  const shown = values.slice(-slots);
  const low = fromZero ? 0 : Math.min(...shown);
  // A flat line (every value the same) has no span: draw it at the bottom instead of dividing by zero.
  const span = Math.max(...shown, low) - low || 1;
  const step = WIDTH / Math.max(slots - 1, 1);
  const offset = slots - shown.length;
  const points = shown.map((value, i) => {
    const x = ((offset + i) * step).toFixed(1);
    const y = (HEIGHT - 1 - ((value - low) / span) * (HEIGHT - 2)).toFixed(1);
    return `${x},${y}`;
  });
  line.setAttribute('points', points.join(' '));
  svg.dataset.count = String(shown.length);
  svg.dataset.last = String(shown.at(-1) ?? '');
  svg.dataset.max = String(shown.length === 0 ? '' : Math.max(...shown));
}
