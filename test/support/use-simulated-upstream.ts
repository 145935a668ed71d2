import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from './temp-dir.js';

/**
 * A simulated upstream on loopback for a test file's tests, and a temporary folder for their
 * ledgers: started before them, reset before each (unless `reset: false`), closed and removed
 * after them.
 *
 * @example
 * const upstream = useSimulatedUpstream();
 * const openai = new OpenAI({ baseURL: upstream.sim.url, apiKey: 'sk-test' });
 */
export function useSimulatedUpstream({ reset = true }: { reset?: boolean } = {}): { readonly sim: SimulatedUpstream; readonly dir: ReturnType<typeof tempDir> } {
  const dir = tempDir();
  let sim: SimulatedUpstream | undefined;
  beforeAll(async () => {
    sim = await startSimulatedUpstream();
  });
  afterAll(async () => {
    await sim?.close();
    dir.remove();
  });
  if (reset) beforeEach(() => sim!.reset());
  return { dir, get sim() { return sim!; } };
}
