import type { Database } from 'better-sqlite3';
import type { LedgerSetting, SettingName } from '../settings.js';
import { perConnection } from './per-connection.js';

/** How `ledger_settings` spells "since always" (its column is NOT NULL, so that it can be part of the key). */
export const SINCE_ALWAYS = Number.MIN_SAFE_INTEGER;

const statements = perConnection((db) => ({
  all: db.prepare(`SELECT name, effective_from, value, set_at FROM ledger_settings ORDER BY name, effective_from`).raw(),
  named: db.prepare(`SELECT name, effective_from, value, set_at FROM ledger_settings WHERE name = ? ORDER BY effective_from`).raw(),
  write: db.prepare(`INSERT INTO ledger_settings (name, effective_from, value, set_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (name, effective_from) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`),
}));

/** Every stored value of `name` (or of every setting), in the order they take effect. */
export function readSettings(db: Database, name?: SettingName): LedgerSetting[] {
  const s = statements(db);
  const rows = (name === undefined ? s.all.all() : s.named.all(name)) as unknown[][];
  return rows.map((r) => ({ name: r[0] as SettingName, effectiveFrom: r[1] === SINCE_ALWAYS ? null : r[1] as number,
    value: r[2] as number, setAt: r[3] as number }));
}

/**
 * Stores one value, replacing a value of the same name taking effect at the same time. A change
 * of the hourly rate makes the next report fold every ticket again (the kept tickets hold their
 * human work priced at the rates in effect: see migration 005).
 */
export function writeSetting(db: Database, { name, effectiveFrom, value, setAt }: LedgerSetting): void {
  statements(db).write.run(name, effectiveFrom ?? SINCE_ALWAYS, value, setAt);
}
