import { describe, expect, it } from 'vitest';
import { barsSvg, funnelSvg, hbarsSvg, linesSvg, renderChart, stackedBarsSvg } from '../../src/reports/charts/index.js';
import { niceTicks } from '../../src/reports/charts/svg.js';
import type { Chart } from '../../src/reports/types.js';
import { ALL_CHARTS, funnelChart, progressChart, risersChart, sharesChart, zonesChart } from '../fixtures/charts.js';

type Attrs = Record<string, string>;

/** The attributes of every `<tag …>` in the markup. */
function elements(svg: string, tag: string): Attrs[] {
  return [...svg.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] as string).matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

const valued = (svg: string, tag = 'rect') => elements(svg, tag).filter((a) => a['data-value'] !== undefined);

const EVIL = '<script>alert(1)</script>';

describe('charts: structure', () => {
  it.each(ALL_CHARTS.map((c) => [c.kind, c] as const))('%s is an accessible SVG with a title, a description and a legend', (_k, chart) => {
    const svg = renderChart(chart, { id: 'c1' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
    expect(svg).toContain(`<title id="c1-title">${chart.title}</title>`);
    expect(svg).toMatch(/<desc id="c1-desc">[^<]{20,}<\/desc>/);
    expect(svg).toMatch(/viewBox="0 0 480 \d+"/);
    expect(svg).toContain('class="legend"');
    expect(svg).not.toContain('нет данных');
  });

  it('names the axes and the series in Russian, with Russian number formats', () => {
    const zones = stackedBarsSvg(zonesChart);
    for (const text of ['Неделя', 'Клиентов', 'Нет угрозы', 'Динамический риск', 'Высокий риск', '08.04', '24.06'])
      expect(zones).toContain(text);
    expect(zones).toMatch(/>168<\/text>/); // the bar's total above it

    const shares = linesSvg(sharesChart);
    expect(shares).toContain('>100 %</text>');
    expect(shares).toContain('>Месяц</text>');
    expect(shares).toContain('Доля клиентов');

    const risers = hbarsSvg(risersChart);
    expect(risers).toContain('0,20 (0,30 → 0,50)');
    expect(risers).toContain('>Рост индикатора за неделю</text>');
    expect(risers).toContain('<title>201877 - ООО «Очень длинное'); // cut label keeps its full text as a tooltip

    const funnel = funnelSvg(funnelChart);
    expect(funnel).toContain('240 · 100 %');
    expect(funnel).toContain('57 · 24 %');
    expect(funnel).toMatch(/Обратная связь: 57 — 24 % от первого шага, 70 % от предыдущего шага/);
  });

  it('links a client row to its card only when asked (the diary), not on a self-contained page', () => {
    const items = risersChart.items.map((item, i) => (i === 0 ? { ...item, client: 193254 } : item));
    const chart = { ...risersChart, items };
    const plain = hbarsSvg(chart, { id: 'c1' });
    expect(plain).not.toContain('<a ');
    expect(plain).toContain('role="img"');
    const linked = hbarsSvg(chart, { id: 'c1', clientHref: (n) => `/diary/clients/${n}` });
    expect(linked).toContain('role="group"');
    expect(linked).toMatch(/<a href="\/diary\/clients\/193254" class="client"><text [^>]*>193254 - Ветстанция<\/text><\/a>/);
    expect(linked.match(/<a /g)).toHaveLength(1); // the rows without a client stay plain text
  });

  it('uses the fixed palette: zone colours by name, others in turn', () => {
    const zones = stackedBarsSvg(zonesChart);
    expect(zones).toContain('fill="#2e7d32"'); // green: no threat
    expect(zones).toContain('fill="#e0a100"'); // amber: dynamic risk
    expect(zones).toContain('fill="#c62828"'); // red: high risk
    const bars = barsSvg(progressChart);
    expect(bars).toContain('fill="#1f5fa8"');
    expect(bars).toContain('fill="#e0a100"');
  });

  it('gives ids derived from the data unless told, so two charts on a page do not clash', () => {
    const a = renderChart(zonesChart);
    expect(a).toBe(renderChart(zonesChart));
    expect(a.match(/id="(chart-[0-9a-f]{10})-title"/)?.[1]).not.toBe(
      renderChart(funnelChart).match(/id="(chart-[0-9a-f]{10})-title"/)?.[1],
    );
    expect(renderChart(zonesChart, { id: 'a b"<' })).toContain('id="a-b---title"');
  });
});

describe('charts: marks are proportional to the values', () => {
  it('stacked bars: segment heights follow the values, stacked bottom-up', () => {
    const chart: Chart = {
      kind: 'stacked-bars',
      title: 'T',
      categories: ['a', 'b'],
      series: [
        { name: 'x', values: [10, 30] },
        { name: 'y', values: [20, 0] },
      ],
      xTitle: 'X',
      yTitle: 'Y',
    };
    const rects = valued(renderChart(chart));
    expect(rects.map((r) => Number(r['data-value']))).toEqual([10, 20, 30]);
    const [a1, a2, b1] = rects.map((r) => Number(r.height)) as [number, number, number];
    expect(a2 / a1).toBeCloseTo(2, 1);
    expect(b1 / a1).toBeCloseTo(3, 1);
    // y of the second segment's top is above the first's
    expect(Number(rects[1]?.y)).toBeLessThan(Number(rects[0]?.y));
    expect(Number(rects[1]?.y) + a2).toBeCloseTo(Number(rects[0]?.y), 1);
  });

  it('grouped bars: heights follow the values, side by side', () => {
    const rects = valued(barsSvg(progressChart));
    const h = (v: number) => Number(rects.find((r) => Number(r['data-value']) === v)?.height);
    expect(h(40) / h(12)).toBeCloseTo(40 / 12, 1);
    expect(h(36) / h(28)).toBeCloseTo(36 / 28, 1);
    expect(new Set(rects.map((r) => r.x)).size).toBe(6);
  });

  it('horizontal bars and funnel steps: widths follow the values', () => {
    const bars = valued(hbarsSvg(risersChart));
    expect(Number(bars[0]?.width) / Number(bars[4]?.width)).toBeCloseTo(0.2 / 0.08, 1);
    const steps = valued(funnelSvg(funnelChart));
    expect(Number(steps[0]?.width) / Number(steps[5]?.width)).toBeCloseTo(240 / 57, 1);
    // centred: every step has the same middle
    const mids = steps.map((s) => Number(s.x) + Number(s.width) / 2);
    for (const m of mids) expect(m).toBeCloseTo(mids[0] as number, 1);
  });

  it('lines: markers sit at heights proportional to the values; a null breaks the line', () => {
    const svg = linesSvg(sharesChart);
    const dots = valued(svg, 'circle');
    expect(dots).toHaveLength(17);
    const bottom = Math.max(...elements(svg, 'line').map((l) => Number(l.y1)));
    const heightOf = (v: number) => bottom - Number(dots.find((d) => Number(d['data-value']) === v)?.cy);
    expect(heightOf(0.72) / heightOf(0.36)).toBeCloseTo(2, 1);
    const second = svg.match(/<g class="line" data-series="1">.*?<\/g>/)?.[0] ?? '';
    expect(elements(second, 'polyline')).toHaveLength(2);
  });

  it('round axis ticks: counts in whole steps, shares up to 100 %', () => {
    expect(niceTicks(168)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(0.72, 'percent')).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(linesSvg(sharesChart)).toContain('>75 %</text>');
  });
});

describe('charts: escaping and bad data', () => {
  it('escapes every label, so a <script> in the data stays text', () => {
    const charts: Chart[] = [
      { kind: 'stacked-bars', title: EVIL, categories: [EVIL], series: [{ name: EVIL, values: [1] }], xTitle: EVIL, yTitle: EVIL },
      {
        kind: 'bars',
        title: 't',
        categories: ['"><img src=x onerror=alert(1)>'],
        series: [{ name: EVIL, values: [1] }],
        xTitle: 'x',
        yTitle: 'y',
      },
      { kind: 'lines', title: 't', categories: [EVIL], series: [{ name: EVIL, values: [1] }], xTitle: 'x', yTitle: 'y', description: EVIL },
      { kind: 'hbars', title: 't', items: [{ label: EVIL, value: 1, note: EVIL }], valueTitle: EVIL },
      { kind: 'funnel', title: 't', steps: [{ label: EVIL, value: 1 }], valueTitle: EVIL },
    ];
    for (const chart of charts) {
      const svg = renderChart(chart);
      expect(svg, chart.kind).not.toMatch(/<script|<img/);
      expect(svg, chart.kind).toContain('&lt;');
    }
    expect(renderChart(charts[0] as Chart)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(renderChart(charts[1] as Chart)).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('draws a clear "нет данных" placeholder for empty data', () => {
    const empty: Chart[] = [
      { ...zonesChart, categories: [], series: [] } as Chart,
      { ...zonesChart, series: zonesChart.series.map((s) => ({ ...s, values: Array(12).fill(0) })) } as Chart,
      { ...progressChart, categories: [], series: [{ name: 'x', values: [] }] } as Chart,
      { ...sharesChart, series: [{ name: 'x', values: Array(6).fill(null) }] } as Chart,
      { ...risersChart, items: [] } as Chart,
      { ...funnelChart, steps: [{ label: 'Отобрано', value: 0 }] } as Chart,
    ];
    for (const chart of empty) {
      const svg = renderChart(chart, { id: 'e' });
      expect(svg, chart.kind).toContain(`class="chart chart-${chart.kind} chart-empty"`);
      expect(svg, chart.kind).toContain('>нет данных</text>');
      expect(svg, chart.kind).toContain(`<title id="e-title">${chart.title}</title>`);
      expect(valued(svg)).toHaveLength(0);
    }
  });

  it('refuses ragged series and values that are negative or not numbers, naming the chart and the place', () => {
    expect(() => renderChart({ ...zonesChart, categories: ['a'] } as Chart)).toThrow(
      /chart "Зоны риска всех клиентов за 12 недель": series "Нет угрозы" has 12 values for 1 categories/,
    );
    expect(() => renderChart({ ...progressChart, series: [{ name: 'x', values: [1, -2, 3] }] } as Chart)).toThrow(
      /series "x" value 2 \(Фомина Ю.В.\) is -2 \(expected a finite number ≥ 0\)/,
    );
    expect(() => renderChart({ ...risersChart, items: [{ label: 'a', value: Number.NaN }] } as Chart)).toThrow(/item 1 \(a\) is NaN/);
    expect(() => renderChart({ ...funnelChart, steps: [{ label: 'a', value: Number.POSITIVE_INFINITY }] } as Chart)).toThrow(
      /step 1 \(a\) is Infinity/,
    );
  });
});
