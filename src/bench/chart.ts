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
    PLOT.left + (cores / xMax) * (PLOT.right - PLOT.left);
  const y = (speedup: number) =>
    PLOT.bottom - (speedup / yMax) * (PLOT.bottom - PLOT.top);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" `
      + `height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" `
      + 'font-family="sans-serif" font-size="12">',
    `<title>${escapeXml(text.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" `
      + `font-weight="bold" fill="#111">${escapeXml(text.title)}</text>`,
    `<text x="${WIDTH / 2}" y="50" text-anchor="middle" fill="#555">`
      + `${escapeXml(text.subtitle)}</text>`,
    ...drawAxes({ max: xMax, step: Math.max(1, niceStep(xMax / 8)) },
      { max: yMax, step: yStep }, x, y),
    `<line class="ideal" x1="${x(0)}" y1="${y(0)}" x2="${x(xMax)}" `
      + `y2="${y(xMax)}" stroke="#888" stroke-width="1.5" `
      + 'stroke-dasharray="6 4"/>',
    `<text x="${x(xMax) - 6}" y="${y(xMax) + 16}" text-anchor="end" `
      + 'fill="#777">ideal: speedup = cores</text>',
    ...drawPoints(results, x, y),
    '</svg>',
    '',
  ].join('\n');
}

interface Scale {
  max: number;
  step: number;
}

function drawAxes(
  xScale: Scale,
  yScale: Scale,
  x: (value: number) => number,
  y: (value: number) => number,
): string[] {
  const parts = [
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" `
      + `y2="${PLOT.bottom}" stroke="#111"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.left}" `
      + `y2="${PLOT.top}" stroke="#111"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 16}" `
      + 'text-anchor="middle" fill="#111">cores used</text>',
    `<text x="18" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" `
      + `fill="#111" transform="rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})"`
      + '>speedup over 1 process × 1 thread</text>',
  ];

  for (const tick of ticks(xScale)) {
    parts.push(`<line x1="${x(tick)}" y1="${PLOT.bottom}" x2="${x(tick)}" `
      + `y2="${PLOT.bottom + 5}" stroke="#111"/>`,
    `<text x="${x(tick)}" y="${PLOT.bottom + 19}" text-anchor="middle" `
      + `fill="#111">${tick}</text>`);
  }
  for (const tick of ticks(yScale)) {
    parts.push(`<line x1="${PLOT.left}" y1="${y(tick)}" x2="${PLOT.right}" `
      + `y2="${y(tick)}" stroke="#eee"/>`,
    `<text x="${PLOT.left - 8}" y="${y(tick) + 4}" text-anchor="end" `
      + `fill="#111">${tick}</text>`);
  }
  return parts;
}

// Points at the same spot would hide each other's labels, so each label
// climbs one line for every earlier point close by.
function drawPoints(
  results: readonly BenchResult[],
  x: (value: number) => number,
  y: (value: number) => number,
): string[] {
  const placed: { px: number; py: number }[] = [];

  return results.flatMap((result) => {
    const px = x(result.coresUsed);
    const py = y(result.speedup);
    const crowd = placed.filter((p) =>
      Math.hypot(p.px - px, p.py - py) < LABEL_STEP_PX * 2).length;
    placed.push({ px, py });
    const label = `${configName(result)}: ${result.speedup.toFixed(2)}×`;
    return [
      `<circle cx="${round(px)}" cy="${round(py)}" r="5" fill="#1f6feb">`
        + `<title>${escapeXml(label)}</title></circle>`,
      `<text x="${round(px + 8)}" y="${round(py - 8 - crowd * LABEL_STEP_PX)}"`
        + ` fill="#1f3d7a">${escapeXml(label)}</text>`,
    ];
  });
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
