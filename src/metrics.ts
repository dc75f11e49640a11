/**
 * In-process counters and gauges, rendered in the Prometheus text format next to the
 * figures /metrics reads from PostgreSQL and Redis at scrape time.
 */

type Labels = Record<string, string>;

interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

const registry = new Map<string, Metric>();

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort());
}

function metric(name: string, help: string, type: Metric['type']): Metric {
  let m = registry.get(name);
  if (!m) {
    m = { name, help, type, values: new Map() };
    registry.set(name, m);
  }
  return m;
}

export function counter(name: string, help: string) {
  const m = metric(name, help, 'counter');
  return {
    inc(labels: Labels = {}, by = 1) {
      const k = key(labels);
      const cur = m.values.get(k);
      if (cur) cur.value += by;
      else m.values.set(k, { labels, value: by });
    },
    /** One label set, its key computed once: for counters on hot paths. */
    bind(labels: Labels) {
      const k = key(labels);
      const entry = m.values.get(k) ?? { labels, value: 0 };
      m.values.set(k, entry);
      return {
        inc(by = 1) {
          entry.value += by;
        },
      };
    },
    get(labels: Labels = {}): number {
      return m.values.get(key(labels))?.value ?? 0;
    },
  };
}

export function gauge(name: string, help: string) {
  const m = metric(name, help, 'gauge');
  return {
    set(value: number, labels: Labels = {}) {
      m.values.set(key(labels), { labels, value });
    },
  };
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatSample(name: string, labels: Labels, value: number): string {
  const l = Object.entries(labels);
  const ls = l.length ? `{${l.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
  return `${name}${ls} ${Number.isFinite(value) ? value : 0}`;
}

export function formatFamily(
  name: string,
  help: string,
  type: string,
  samples: { labels: Labels; value: number; suffix?: string }[],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const s of samples) lines.push(formatSample(name + (s.suffix ?? ''), s.labels, s.value));
  return lines.join('\n');
}

/** The in-process metrics, Prometheus text. */
export function renderProcessMetrics(): string {
  return [...registry.values()].map((m) => formatFamily(m.name, m.help, m.type, [...m.values.values()])).join('\n');
}
