/**
 * Settings that belong to the ledger rather than to one process, so that every report on a
 * ledger, from `serve`, `cpr-meter report` or an application, uses the same values. Each value
 * holds from the time it takes effect until the next one of the same name: human work is costed
 * at the hourly rate in effect when it was done.
 */

/** The settings a ledger keeps: USD per hour of human work, and the human CPR to compare with (USD). */
export const SETTING_NAMES = ['human-hourly-rate', 'human-baseline-cpr'] as const;

/** One of {@link SETTING_NAMES}. */
export type SettingName = (typeof SETTING_NAMES)[number];

/** The hourly rate of human work when the ledger has none, USD. */
export const DEFAULT_HUMAN_HOURLY_RATE = 40;

/** One value of a setting and when it takes effect. */
export interface LedgerSetting {
  name: SettingName;
  /** When it takes effect, ms since the epoch; `null`: since always. */
  effectiveFrom: number | null;
  value: number;
  /** When it was written, ms since the epoch. */
  setAt: number;
}

/** The values of a setting in the order they take effect, as a report prints them. */
export interface RateSchedule {
  /** `default`: the ledger has none ({@link DEFAULT_HUMAN_HOURLY_RATE}); `ledger`: its own; `report`: given for one report. */
  source: 'default' | 'ledger' | 'report';
  /** Each rate and when it took effect (`null`: since always), oldest first. */
  rates: Array<{ from: number | null; usdPerHour: number }>;
}

/** The part of a ledger that reads and writes its settings. */
export interface SettingsLedger {
  /** Every stored value, of one setting or all, in the order they take effect. */
  readSettings(name?: SettingName): Promise<LedgerSetting[]>;
  /** Stores a value (replacing one of the same name that takes effect at the same time). */
  writeSetting(setting: LedgerSetting): Promise<void>;
}

/** The value of `name` in effect at `at` among `settings`, or `null` when none was. */
export function settingAt(settings: readonly LedgerSetting[], name: SettingName, at: number): number | null {
  let value: number | null = null;
  let from = Number.NEGATIVE_INFINITY;
  for (const s of settings) {
    const since = s.effectiveFrom ?? Number.NEGATIVE_INFINITY;
    if (s.name === name && since <= at && since >= from) [value, from] = [s.value, since];
  }
  return value;
}

/**
 * What a process given a value of a setting (`serve --human-hourly-rate 55`, `createMeter({
 * humanHourlyRate: 55 })`, `cpr-meter settings set` without `--from`) stores. The rule:
 * a setting the ledger has no value of yet takes the value since always (work already recorded
 * included); one whose value in effect at `now` differs takes the new value from `now` on (the
 * work before keeps its rate); one whose value in effect is the same is left alone. Returns the
 * row to write, or `null`. Pure.
 *
 * @example
 * valueToAdopt([], { name: 'human-hourly-rate', value: 55, now }); // { ..., effectiveFrom: null }
 */
export function valueToAdopt(
  settings: readonly LedgerSetting[],
  { name, value, now }: { name: SettingName; value: number; now: number },
): LedgerSetting | null {
  if (!settings.some((s) => s.name === name)) return { name, effectiveFrom: null, value, setAt: now };
  if (settingAt(settings, name, now) === value) return null;
  return { name, effectiveFrom: now, value, setAt: now };
}
