/**
 * What autovacuum does while a real day passes. A simulated day takes seconds, so autovacuum
 * (a look a minute; off on some machines) would never see the tables change, and the service's
 * queries would be planned on statistics of the first morning: after a simulated quarter of
 * 2 000 clients, the planner's "close the emptied visits" took 6 s where it takes 20 ms on
 * fresh statistics. At each moment of a simulated day the simulation does what autovacuum
 * would have done over the hours since the previous one, by its own rule and the server's own
 * thresholds: VACUUM a table whose dead or newly inserted rows passed theirs, ANALYZE a table
 * whose changes passed the analyze threshold.
 */
import type { Queryable } from '../db/pool.js';

interface TableStats {
  relname: string;
  reltuples: number;
  n_mod_since_analyze: number;
  n_dead_tup: number;
  n_ins_since_vacuum: number;
  vacuum_threshold: number;
  vacuum_scale: number;
  insert_threshold: number;
  insert_scale: number;
  analyze_threshold: number;
  analyze_scale: number;
}

/** The tables autovacuum would work now, with what it would do to each. */
export async function autovacuumDue(pool: Queryable): Promise<{ table: string; vacuum: boolean; analyze: boolean }[]> {
  const { rows } = await pool.query<TableStats>(
    `SELECT s.relname, greatest(c.reltuples, 0)::float8 AS reltuples,
            s.n_mod_since_analyze::float8 AS n_mod_since_analyze, s.n_dead_tup::float8 AS n_dead_tup,
            s.n_ins_since_vacuum::float8 AS n_ins_since_vacuum,
            current_setting('autovacuum_vacuum_threshold')::float8 AS vacuum_threshold,
            current_setting('autovacuum_vacuum_scale_factor')::float8 AS vacuum_scale,
            current_setting('autovacuum_vacuum_insert_threshold')::float8 AS insert_threshold,
            current_setting('autovacuum_vacuum_insert_scale_factor')::float8 AS insert_scale,
            current_setting('autovacuum_analyze_threshold')::float8 AS analyze_threshold,
            current_setting('autovacuum_analyze_scale_factor')::float8 AS analyze_scale
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema()
      ORDER BY s.relname`,
  );
  const due: { table: string; vacuum: boolean; analyze: boolean }[] = [];
  for (const t of rows) {
    const vacuum =
      t.n_dead_tup > t.vacuum_threshold + t.vacuum_scale * t.reltuples ||
      (t.insert_threshold >= 0 && t.n_ins_since_vacuum > t.insert_threshold + t.insert_scale * t.reltuples);
    const analyze = t.n_mod_since_analyze > t.analyze_threshold + t.analyze_scale * t.reltuples;
    if (vacuum || analyze) due.push({ table: t.relname, vacuum, analyze });
  }
  return due;
}

/** Do what autovacuum would do now; returns the tables worked. */
export async function autovacuum(pool: Queryable): Promise<number> {
  const due = await autovacuumDue(pool);
  for (const t of due) {
    const name = `"${t.table.replaceAll('"', '""')}"`;
    await pool.query(t.vacuum ? `VACUUM ${t.analyze ? '(ANALYZE) ' : ''}${name}` : `ANALYZE ${name}`);
  }
  return due.length;
}
