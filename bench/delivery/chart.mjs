// The delivery bench's chart: grouped bars in hand-written SVG (no dependency), one panel per figure,
// one group per scenario, one bar per server, each bar labelled with its value.

const COLORS = ['#1f5fbf', '#6fa0e8', '#0f9d8a', '#e08a1e', '#b04a4a', '#7a5bb5', '#777777', '#3c3c3c'];
const BAR = 18;
const BAR_GAP = 3;
const GROUP_GAP = 28;
const PANEL_HEIGHT = 250;
const TOP = 58; // panel title and the value labels' room
const BOTTOM = 44; // group labels
const LEFT = 70; // y-axis labels

const xml = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A round tick step for an axis up to `value` with about four steps (1, 2, 2.5 or 5 times a power of ten). */
function niceStep(value) {
  if (!(value > 0)) return 1;
  const rough = value / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const step of [1, 2, 2.5, 5]) if (step * power >= rough) return step * power;
  return 10 * power;
}

const label = (value) =>
  value >= 10_000
    ? `${Math.round(value / 1000)}k`
    : value >= 100 || Number.isInteger(value)
      ? value.toFixed(0)
      : value.toFixed(value >= 10 ? 1 : 2);

/**
 * `series`: the bars' names (servers), in order. `panels`: [{ title, groups: [{ label, values: one
 * number per series, null for none }] }]. Returns the SVG text.
 */
export function groupedBarChart({ title, subtitle, series, panels }) {
  const groupWidth = series.length * (BAR + BAR_GAP) - BAR_GAP;
  const widest = Math.max(...panels.map((p) => p.groups.length));
  const width = Math.max(LEFT + widest * (groupWidth + GROUP_GAP) + 20, 640);
  const legendRows = Math.ceil(series.length / 2);
  const head = 56 + legendRows * 18;
  const height = head + panels.length * (PANEL_HEIGHT + TOP + BOTTOM);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${xml(`${title}: ${subtitle}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${xml(title)}</text>`,
    `<text x="${LEFT}" y="40" fill="#555555">${xml(subtitle)}</text>`,
  ];
  series.forEach((name, i) => {
    const x = LEFT + (i % 2) * 290;
    const y = 56 + Math.floor(i / 2) * 18;
    out.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + 17}" y="${y}">${xml(name)}</text>`);
  });
  panels.forEach((panel, p) => {
    const top = head + p * (PANEL_HEIGHT + TOP + BOTTOM) + TOP;
    const bottom = top + PANEL_HEIGHT;
    const values = panel.groups.flatMap((g) => g.values).filter((v) => v !== null && Number.isFinite(v));
    const step = niceStep(Math.max(0, ...values));
    const ticks = Math.max(1, Math.ceil(Math.max(0, ...values) / step));
    const max = ticks * step;
    out.push(`<text x="${LEFT}" y="${top - 42}" font-size="13" font-weight="bold">${xml(panel.title)}</text>`);
    for (let t = 0; t <= ticks; t++) {
      const y = bottom - (t / ticks) * PANEL_HEIGHT;
      out.push(`<line x1="${LEFT}" y1="${y}" x2="${width - 10}" y2="${y}" stroke="#dddddd"/>`);
      out.push(`<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" fill="#555555">${label(t * step)}</text>`);
    }
    out.push(`<line x1="${LEFT}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333333"/>`);
    panel.groups.forEach((group, g) => {
      const left = LEFT + GROUP_GAP / 2 + g * (groupWidth + GROUP_GAP);
      group.values.forEach((value, i) => {
        if (value === null || !Number.isFinite(value)) return;
        const h = (value / max) * PANEL_HEIGHT;
        const x = left + i * (BAR + BAR_GAP);
        out.push(
          `<rect x="${x}" y="${(bottom - h).toFixed(1)}" width="${BAR}" height="${h.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${xml(`${series[i]}: ${value}`)}</title></rect>`,
        );
        const ly = bottom - h - 4;
        out.push(
          `<text x="${x + BAR / 2 + 3}" y="${ly.toFixed(1)}" font-size="9" transform="rotate(-90 ${x + BAR / 2 + 3} ${ly.toFixed(1)})">${label(value)}</text>`,
        );
      });
      out.push(`<text x="${left + groupWidth / 2}" y="${bottom + 16}" text-anchor="middle">${xml(group.label)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
