import type pg from 'pg';
import type { LedgerSetting, SettingName } from '../settings.js';
import { SINCE_ALWAYS } from '../sqlite/settings-store.js';

/** Every stored value of `name` (or of every setting), in the order they take effect. */
export async function readPgSettings(client: pg.Pool | pg.ClientBase, name?: SettingName): Promise<LedgerSetting[]> {
  const result = name === undefined
    ? await client.query({ text: 'SELECT name, effective_from, value, set_at FROM ledger_settings ORDER BY name, effective_from', rowMode: 'array' })
    : await client.query({ text: 'SELECT name, effective_from, value, set_at FROM ledger_settings WHERE name = $1 ORDER BY effective_from',
      values: [name], rowMode: 'array' });
  return (result.rows as unknown[][]).map((r) => ({ name: r[0] as SettingName, effectiveFrom: r[1] === SINCE_ALWAYS ? null : r[1] as number,
    value: r[2] as number, setAt: r[3] as number }));
}

/** Stores one value, replacing one of the same name taking effect at the same time (a rate change makes the next report fold again). */
export async function writePgSetting(client: pg.ClientBase, { name, effectiveFrom, value, setAt }: LedgerSetting): Promise<void> {
  await client.query(`INSERT INTO ledger_settings (name, effective_from, value, set_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (name, effective_from) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`,
  [name, effectiveFrom ?? SINCE_ALWAYS, value, setAt]);
}
