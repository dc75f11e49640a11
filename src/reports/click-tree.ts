/**
 * The layout of «Анализ переходов подписчиков по ссылкам из рассылки»: an indented tree
 * mailing → article → date → client → contact → e-mail → position, each row with the number
 * of clicks per link domain and a total, `(n)` after a label counting its children, as the
 * CRM's OLAP report shows it.
 */
import type { ReportRow } from './types.js';

/** One click, already labelled per level (outermost first). */
export interface ClickPath {
  levels: readonly string[];
  domain: string;
}

interface Node {
  label: string;
  counts: Map<string, number>;
  total: number;
  children: Map<string, Node>;
}

const newNode = (label: string): Node => ({ label, counts: new Map(), total: 0, children: new Map() });

/** `https://www.alyans.net/x` → `alyans.net`. */
export function linkDomain(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '?';
  }
}

/** Domains by number of clicks (most first), then by name: the order of the count columns. */
export function domainsOf(paths: readonly ClickPath[]): string[] {
  const n = new Map<string, number>();
  for (const p of paths) n.set(p.domain, (n.get(p.domain) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([d]) => d);
}

/**
 * Rows of the tree in input order (sort the paths first). Each row: `label` (indented two
 * spaces per level), `level` (the level's Russian name), `d0…dN` per domain, `total`.
 */
export function clickTreeRows(paths: readonly ClickPath[], levelNames: readonly string[], domains: readonly string[]): ReportRow[] {
  const root = newNode('');
  for (const p of paths) {
    let node = root;
    const chain = [root];
    for (const label of p.levels) {
      let child = node.children.get(label);
      if (!child) {
        child = newNode(label);
        node.children.set(label, child);
      }
      node = child;
      chain.push(child);
    }
    for (const n of chain) {
      n.counts.set(p.domain, (n.counts.get(p.domain) ?? 0) + 1);
      n.total++;
    }
  }
  const rows: ReportRow[] = [];
  const walk = (node: Node, depth: number) => {
    for (const child of node.children.values()) {
      const leaf = child.children.size === 0;
      const row: ReportRow = {
        label: `${'  '.repeat(depth)}${child.label}${leaf ? '' : ` (${child.children.size})`}`,
        level: levelNames[depth] ?? '',
        total: child.total,
      };
      domains.forEach((d, i) => {
        row[`d${i}`] = child.counts.get(d) ?? 0;
      });
      rows.push(row);
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

/** The totals row: `Итого: (n)` with n the number of mailings, sums per domain. */
export function clickTreeTotals(paths: readonly ClickPath[], domains: readonly string[]): ReportRow {
  const mailings = new Set(paths.map((p) => p.levels[0]));
  const row: ReportRow = { label: `Итого: (${mailings.size})`, level: '', total: paths.length };
  domains.forEach((d, i) => {
    row[`d${i}`] = paths.filter((p) => p.domain === d).length;
  });
  return row;
}
