// The --chart picture: speedup against cores used, the ideal y = x dashed,
// one labelled point per configuration. A self-contained SVG: no scripts,
// no web fonts, a white background so it reads on dark pages too.
import { configName, type BenchResult } from './stats.js';

/** Words around the plot. */
export interface ChartText {
  title: string;
  subtitle: string;
}

const WIDTH = 640;
const HEIGHT = 440;
const PLOT = { left: 64, right: WIDTH - 32, top: 76, bottom: HEIGHT - 56 };
const LABEL_STEP_PX = 14;

/** The chart as SVG text. */
export function renderChart(
  results: readonly BenchResult[],
  cores: number,
  text: ChartText,
): string {
  const xMax = Math.max(1, cores, ...results.map((r) => r.coresUsed));
  const top = Math.max(xMax, ...results.map((r) => r.speedup)) * 1.05;
  const yStep = niceStep(top / 6);
  const yMax = Math.ceil(top / yStep) * yStep;
  const x = (cores: number) =>
    round(PLOT.left + (cores / xMax) * (PLOT.right - PLOT.left));
  const y = (speedup: number) =>
    round(PLOT.bottom - (speedup / yMax) * (PLOT.bottom - PLOT.top));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" ` +
      `height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      'font-family="sans-serif" font-size="12">',
    `<title>${escapeXml(text.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" ` +
      `font-weight="bold" fill="#111">${escapeXml(text.title)}</text>`,
    `<text x="${WIDTH / 2}" y="50" text-anchor="middle" fill="#555">` +
      `${escapeXml(text.subtitle)}</text>`,
    ...drawAxes(
      { max: xMax, step: Math.max(1, niceStep(xMax / 8)) },
      { max: yMax, step: yStep },
      x,
      y,
    ),
    `<line class="ideal" x1="${x(0)}" y1="${y(0)}" x2="${x(xMax)}" ` +
      `y2="${y(xMax)}" stroke="#888" stroke-width="1.5" ` +
      'stroke-dasharray="6 4"/>',
    `<text x="${x(xMax) - 6}" y="${y(xMax) - 10}" text-anchor="end" ` +
      'fill="#777">ideal: speedup = cores</text>',
    ...drawPoints(results, x, y),
    '</svg>',
    '',
  ].join('\n');
}

interface Scale {
  max: number;
  step: number;
}

// Grid lines first, so the axes and points are drawn over them.
function drawAxes(
  xScale: Scale,
  yScale: Scale,
  x: (value: number) => number,
  y: (value: number) => number,
): string[] {
  const parts: string[] = [];
  const middleY = (PLOT.top + PLOT.bottom) / 2;

  for (const tick of ticks(yScale)) {
    parts.push(
      `<line x1="${PLOT.left}" y1="${y(tick)}" x2="${PLOT.right}" ` +
        `y2="${y(tick)}" stroke="#e6e6e6"/>`,
      `<text x="${PLOT.left - 8}" y="${y(tick) + 4}" text-anchor="end" ` +
        `fill="#111">${tick}</text>`,
    );
  }
  for (const tick of ticks(xScale)) {
    parts.push(
      `<line x1="${x(tick)}" y1="${PLOT.bottom}" x2="${x(tick)}" ` +
        `y2="${PLOT.bottom + 5}" stroke="#111"/>`,
      `<text x="${x(tick)}" y="${PLOT.bottom + 19}" text-anchor="middle" ` +
        `fill="#111">${tick}</text>`,
    );
  }

  parts.push(
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" ` +
      `y2="${PLOT.bottom}" stroke="#111"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.left}" ` +
      `y2="${PLOT.top}" stroke="#111"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 16}" ` +
      'text-anchor="middle" fill="#111">cores used</text>',
    `<text x="18" y="${middleY}" text-anchor="middle" fill="#111" ` +
      `transform="rotate(-90 18 ${middleY})">speedup over ` +
      '1 process × 1 thread</text>',
  );
  return parts;
}

// Labels sit beside their points, left of them in the right half where
// text would run off the picture.
function drawPoints(
  results: readonly BenchResult[],
  x: (value: number) => number,
  y: (value: number) => number,
): string[] {
  const points = results.map((result) => ({
    result,
    px: x(result.coresUsed),
    py: y(result.speedup),
  }));
  const labelYs = spreadLabels(points);
  const middle = (PLOT.left + PLOT.right) / 2;

  return points.flatMap(({ result, px, py }, i) => {
    const label = `${configName(result)}: ${result.speedup.toFixed(2)}×`;
    const onLeft = px > middle;
    return [
      `<circle cx="${px}" cy="${py}" r="5" fill="#1f6feb">` +
        `<title>${escapeXml(label)}</title></circle>`,
      `<text x="${onLeft ? px - 9 : px + 9}" y="${labelYs[i]}" ` +
        `text-anchor="${onLeft ? 'end' : 'start'}" fill="#1f3d7a">` +
        `${escapeXml(label)}</text>`,
    ];
  });
}

// Points of one column (same cores used) often lie close together. Going
// down each column, a label is pushed at least one line below the label
// above it, so none overlap.
function spreadLabels(points: readonly { px: number; py: number }[]) {
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a].px - points[b].px || points[a].py - points[b].py);
  const labelYs: number[] = [];
  let above = { px: Number.NaN, labelY: -Infinity };

  for (const i of order) {
    const { px, py } = points[i];
    const lowest = px === above.px ? above.labelY + LABEL_STEP_PX : -Infinity;
    labelYs[i] = round(Math.max(py + 4, lowest));
    above = { px, labelY: labelYs[i] };
  }
  return labelYs;
}

/** Ticks every `step` from 0 to `max`; i × step keeps sums from drifting. */
function ticks(scale: Scale): number[] {
  const values: number[] = [];
  for (let i = 0; i * scale.step <= scale.max + 1e-9; i++) {
    values.push(Number((i * scale.step).toFixed(3)));
  }
  return values;
}

/** The next of ... 0.5, 1, 2, 5, 10, 20 ... at or above `value`. */
function niceStep(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const nice = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return nice * power;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
