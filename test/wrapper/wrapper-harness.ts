import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openSqliteLedger, type SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { silentLogger } from '../../src/logging/logger.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { wrapOpenAI, type WrapOpenAIOptions } from '../../src/wrapper/index.js';
import type { CallRow } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';

/** A simulated upstream, a real SQLite ledger on a temp file, and a wrapped OpenAI client pointed straight at the upstream. */
export interface WrapperHarness {
  sim: SimulatedUpstream;
  ledger: SqliteLedger;
  recorder: CallRecorder;
  prices: PriceBook;
  /** Wrapped, recording into `ledger`. */
  client: OpenAI;
  /** A new client on the simulator, wrapped with the harness's recorder and these options. */
  wrap(options?: Partial<WrapOpenAIOptions>, clientOptions?: ConstructorParameters<typeof OpenAI>[0]): OpenAI;
  /** Every ledger row, oldest first. */
  rows(): CallRow[];
  close(): Promise<void>;
}

/** Starts the harness. */
export async function startWrapperHarness(): Promise<WrapperHarness> {
  const dir = tempDir();
  const sim = await startSimulatedUpstream();
  const ledger = openSqliteLedger({ path: dir.file('ledger.db') });
  const recorder = new CallRecorder({ ledger, logger: silentLogger });
  const prices = new PriceBook();
  const wrap: WrapperHarness['wrap'] = (options = {}, clientOptions = {}) =>
    wrapOpenAI(new OpenAI({ apiKey: 'sk-test-client', baseURL: sim.openaiBaseUrl, maxRetries: 0, ...clientOptions }), { recorder, prices, ...options });
  return {
    sim, ledger, recorder, prices, wrap,
    client: wrap(),
    rows: () => ledger.db.prepare('SELECT * FROM llm_calls ORDER BY started_at, rowid').all() as CallRow[],
    async close() {
      await recorder.close();
      await ledger.close();
      await sim.close();
      dir.remove();
    },
  };
}

/**
 * The harness of a test file: started before its tests, closed after them, the simulator reset
 * before each. Returns a stand-in that reads the running harness.
 */
export function useWrapperHarness(): WrapperHarness {
  let current: WrapperHarness | undefined;
  beforeAll(async () => {
    current = await startWrapperHarness();
  });
  afterAll(async () => current?.close());
  beforeEach(() => current!.sim.reset());
  return new Proxy({} as WrapperHarness, { get: (_, key) => current![key as keyof WrapperHarness] });
}
