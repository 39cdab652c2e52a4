import { describe, expect, test } from 'vitest';
import { renderChart } from '../../src/bench/chart.js';
import type { BenchResult } from '../../src/bench/stats.js';

function result(
  processes: number,
  threads: number,
  coresUsed: number,
  speedup: number,
): BenchResult {
  return {
    processes,
    threads,
    coresUsed,
    seconds: 1,
    mbPerSecond: 1,
    rowsPerSecond: 1,
    speedup,
    efficiency: speedup / coresUsed,
    peakRssMb: null,
  };
}

const RESULTS = [
  result(1, 1, 1, 1),
  result(2, 1, 2, 1.9),
  result(1, 2, 2, 1.7),
  result(4, 1, 4, 3.1),
  result(8, 1, 4, 3.3),
];
const TEXT = { title: 'Speedup & cores', subtitle: 'CPU <fast> · 90 MB' };

// Every tag closes, in order: enough to catch a broken writer.
function expectBalancedTags(svg: string): void {
  const open: string[] = [];
  for (const [tag, slash, name, selfClosing] of svg.matchAll(
    /<(\/?)([a-z]+)[^>]*?(\/?)>/g,
  )) {
    if (selfClosing) continue;
    if (!slash) open.push(name);
    else expect(open.pop(), tag).toBe(name);
  }
  expect(open).toEqual([]);
}

describe('renderChart', () => {
  const svg = renderChart(RESULTS, 4, TEXT);

  test('is one svg element, balanced, with no script or outside link', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expectBalancedTags(svg);
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
  });

  test('draws the ideal line dashed from 0 to the cores', () => {
    const ideal = /<line class="ideal"([^>]*)\/>/.exec(svg)?.[1] ?? '';
    expect(ideal).toContain('stroke-dasharray');
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((name) =>
      Number(new RegExp(` ${name}="([\\d.]+)"`).exec(ideal)?.[1]),
    );
    expect(x2).toBeGreaterThan(x1);
    expect(y2).toBeLessThan(y1);
  });

  test('draws one point and one label per configuration', () => {
    expect(svg.match(/<circle /g)).toHaveLength(RESULTS.length);
    for (const label of [
      'p1 t1: 1.00×',
      'p2 t1: 1.90×',
      'p1 t2: 1.70×',
      'p4 t1: 3.10×',
      'p8 t1: 3.30×',
    ]) {
      expect(svg).toContain(`>${label}</text>`);
    }
  });

  test('escapes the text it is given', () => {
    expect(svg).toContain('Speedup &#38; cores');
    expect(svg).toContain('CPU &#60;fast&#62; · 90 MB');
  });

  test('keeps labels of one column a line apart', () => {
    const labels = /<text x="[\d.]+" y="([\d.]+)"[^>]*>p\d t\d: /g;
    const ys = [...svg.matchAll(labels)].map((match) => Number(match[1]));
    const column = [ys[3], ys[4]].sort((a, b) => a - b);
    expect(column[1] - column[0]).toBeGreaterThanOrEqual(14);
  });
});
