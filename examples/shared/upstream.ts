/**
 * Where the examples send their LLM calls: OpenAI when `OPENAI_API_KEY` is set, otherwise a local
 * SIMULATED upstream that answers like OpenAI (canned support replies, real token counts), so
 * that every example runs offline with one command. This file is the examples' plumbing, not
 * something your application needs.
 */
// The simulator is the repository's test double, not a public entry of the package: it is taken
// from the build (`npm run build`), like everything the examples import.
import { startSimulatedUpstream } from 'cpr-meter/simulator';

/** An OpenAI-compatible upstream the examples can point a client or the proxy at. */
export interface Upstream {
  /** OpenAI-style base URL, `/v1` included. */
  baseURL: string;
  apiKey: string;
  simulated: boolean;
  close(): Promise<void>;
}

/** The real OpenAI API when `OPENAI_API_KEY` is set, else a simulated one; says which on stdout. */
export async function openUpstream(env: NodeJS.ProcessEnv = process.env): Promise<Upstream> {
  const apiKey = env.OPENAI_API_KEY;
  if (apiKey) {
    console.log('Upstream: OpenAI at https://api.openai.com/v1 (OPENAI_API_KEY is set: these calls are real and billed)');
    return { baseURL: 'https://api.openai.com/v1', apiKey, simulated: false, close: async () => {} };
  }
  const sim = await startSimulatedUpstream();
  console.log(`Upstream: SIMULATED upstream at ${sim.openaiBaseUrl} (OPENAI_API_KEY is not set: offline, canned answers, no cost)`);
  return { baseURL: sim.openaiBaseUrl, apiKey: 'sk-simulated', simulated: true, close: () => sim.close() };
}
