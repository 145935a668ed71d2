/**
 * Benchmark 6, in-process: the CPU time (`process.cpuUsage()`, user + system) that cpr-meter's
 * middleware and wrapped OpenAI client add to a call, over the same call made with a plain
 * `openai` client. The fake upstream runs in its own process, so that its CPU is not counted.
 * Calls run one after another; a round ends once every row is in the ledger, so that the
 * recording (parsing, pricing, the SQLite write) is counted whole.
 *
 * - `plain`: `new OpenAI(...)`, no cpr-meter.
 * - `wrapper`: `meter.wrapOpenAI(new OpenAI(...))`, calls outside any tracked request.
 * - `middleware + wrapper`: each call made inside `meter.middleware()` (the conversation from the
 *   `x-cpr-conversation-id` header of a request, as Express hands it over), as in the README.
 * - `middleware + wrapper, :memory: ledger`: the same on an in-memory SQLite ledger, to tell the
 *   file's cost (its WAL commits, one per group of calls) from the rest.
 * - `anthropic: plain` / `anthropic: wrapper`: `@anthropic-ai/sdk`'s `messages.create`, plain and
 *   through `meter.wrapAnthropic()`.
 * - `ai-sdk: plain` / `ai-sdk: middleware`: the AI SDK's `generateText` with `@ai-sdk/openai`'s
 *   chat model, plain and wrapped with `meter.aiSdkMiddleware()`.
 *
 * Each recorded variant is compared with the plain client of its own SDK, in the same round.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, wrapLanguageModel } from 'ai';
import OpenAI from 'openai';
import type { Request, Response } from 'express';
import type * as CreateMeter from '../src/meter/create-meter.js';
import type * as Logging from '../src/logging/logger.js';
import { BENCH_BUILD_DIR, importBuilt } from './support/build.js';
import { startUpstreamProcess } from './support/child.js';
import { CHAT_BODY } from './support/chat-request.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type Variant =
  | 'plain' | 'wrapper' | 'middleware + wrapper' | 'middleware + wrapper, :memory: ledger'
  | 'anthropic: plain' | 'anthropic: wrapper' | 'ai-sdk: plain' | 'ai-sdk: middleware';
const VARIANTS: Variant[] = [
  'plain', 'wrapper', 'middleware + wrapper', 'middleware + wrapper, :memory: ledger',
  'anthropic: plain', 'anthropic: wrapper', 'ai-sdk: plain', 'ai-sdk: middleware',
];
/** The plain client each variant is compared with: the same SDK, making the same call, without cpr-meter. */
const BASELINE: Record<Variant, Variant> = {
  plain: 'plain', wrapper: 'plain', 'middleware + wrapper': 'plain', 'middleware + wrapper, :memory: ledger': 'plain',
  'anthropic: plain': 'anthropic: plain', 'anthropic: wrapper': 'anthropic: plain',
  'ai-sdk: plain': 'ai-sdk: plain', 'ai-sdk: middleware': 'ai-sdk: plain',
};
const isPlain = (variant: Variant) => BASELINE[variant] === variant;

/** Runs the in-process benchmark and returns what it saved. */
export async function runInProcessBenchmark(options: BenchOptions) {
  const { createMeter } = await importBuilt<typeof CreateMeter>('meter/create-meter.js');
  const { silentLogger } = await importBuilt<typeof Logging>('logging/logger.js');
  const scratch = scratchDir('in-process');
  const upstream = await startUpstreamProcess(BENCH_BUILD_DIR);
  const meter = createMeter({ db: scratch.file('ledger.db'), logger: silentLogger, env: {} });
  const memoryMeter = createMeter({ db: ':memory:', logger: silentLogger, env: {} });
  try {
    const params = JSON.parse(CHAT_BODY) as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const clientOptions = { apiKey: 'sk-bench-client', baseURL: upstream.url, maxRetries: 0 };
    const plain = new OpenAI(clientOptions);
    const wrapped = meter.wrapOpenAI(new OpenAI(clientOptions));
    const middleware = meter.middleware();
    const wrappedInMemory = memoryMeter.wrapOpenAI(new OpenAI(clientOptions));
    const middlewareInMemory = memoryMeter.middleware();
    // The fake upstream answers `POST /v1/messages` with the same reply and token counts.
    const anthropicOptions = { apiKey: 'sk-ant-bench-client', baseURL: new URL(upstream.url).origin, maxRetries: 0 };
    const message = { model: 'claude-sonnet-4-0', max_tokens: 300, system: params.messages[0]!.content as string, messages: [{ role: 'user' as const, content: params.messages[1]!.content as string }] };
    const plainAnthropic = new Anthropic(anthropicOptions);
    const wrappedAnthropic = meter.wrapAnthropic(new Anthropic(anthropicOptions));
    const sdkModel = createOpenAI({ apiKey: 'sk-bench-client', baseURL: upstream.url }).chat('gpt-4o-mini');
    const recordedSdkModel = wrapLanguageModel({ model: sdkModel, middleware: meter.aiSdkMiddleware() });
    const sdkCall = { system: message.system, prompt: message.messages[0].content, temperature: 0.2, maxOutputTokens: 300, maxRetries: 0 };
    let conversation = 0;
    // What Express hands a middleware: `req.get(header)` is all the default readers use.
    const request = () => {
      const headers: Record<string, string> = { 'x-cpr-conversation-id': `conv-${(conversation += 1) % 1_000}` };
      return { get: (name: string) => headers[name.toLowerCase()], headers } as unknown as Request;
    };
    const tracked = (track: typeof middleware, client: OpenAI) => () =>
      new Promise((resolve, reject) => {
        track(request(), {} as Response, (error?: unknown) => {
          if (error) reject(error);
          else client.chat.completions.create(params).then(resolve, reject);
        });
      });
    const call: Record<Variant, () => Promise<unknown>> = {
      plain: () => plain.chat.completions.create(params),
      wrapper: () => wrapped.chat.completions.create(params),
      'middleware + wrapper': tracked(middleware, wrapped),
      'middleware + wrapper, :memory: ledger': tracked(middlewareInMemory, wrappedInMemory),
      'anthropic: plain': () => plainAnthropic.messages.create(message),
      'anthropic: wrapper': () => wrappedAnthropic.messages.create(message),
      'ai-sdk: plain': () => generateText({ model: sdkModel, ...sdkCall }),
      'ai-sdk: middleware': () => generateText({ model: recordedSdkModel, ...sdkCall }),
    };
    const recorderOf = (variant: Variant) => (variant === 'middleware + wrapper, :memory: ledger' ? memoryMeter : meter).recorder;
    const measure = async (variant: Variant, calls: number) => {
      const recorder = recorderOf(variant);
      const target = recorder.stats().recorded + (isPlain(variant) ? 0 : calls);
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i += 1) await call[variant]();
      // The wrapper records after the answer, in group commits: the round ends when every call is a
      // row. Polled with a sleep, not on every turn, so that the waiting burns no CPU of its own.
      for (let polls = 0; recorder.stats().recorded < target; polls += 1) {
        if (polls > 10_000) throw new Error(`${variant}: calls not recorded: ${JSON.stringify(recorder.stats())}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const cpu = process.cpuUsage(cpu0);
      const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
      return { cpuUsPerCall: (cpu.user + cpu.system) / calls, wallUsPerCall: wallUs / calls };
    };

    const callsPerRound = options.quick ? 500 : 3_000;
    process.stdout.write(`in-process: ${callsPerRound.toLocaleString('en-US')} sequential calls per variant per round, ${options.rounds} rounds\n`);
    for (const variant of VARIANTS) await measure(variant, Math.min(1_000, callsPerRound)); // warm-up
    const measured = new Map<Variant, Array<{ cpuUsPerCall: number; wallUsPerCall: number }>>();
    for (let round = 0; round < options.rounds; round += 1) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const variant of order) measured.set(variant, [...(measured.get(variant) ?? []), await measure(variant, callsPerRound)]);
    }

    const figures: Record<string, unknown> = {};
    const rows: Cell[][] = VARIANTS.map((variant) => {
      const rounds = measured.get(variant)!;
      const plainRounds = measured.get(BASELINE[variant])!;
      const figure = {
        baseline: BASELINE[variant],
        cpuUsPerCall: median(rounds.map((r) => r.cpuUsPerCall)),
        addedCpuUsPerCall: median(rounds.map((r, i) => r.cpuUsPerCall - plainRounds[i]!.cpuUsPerCall)),
        cpuRatioToPlain: median(rounds.map((r, i) => r.cpuUsPerCall / plainRounds[i]!.cpuUsPerCall)),
        wallUsPerCall: median(rounds.map((r) => r.wallUsPerCall)),
        addedWallUsPerCall: median(rounds.map((r, i) => r.wallUsPerCall - plainRounds[i]!.wallUsPerCall)),
        rounds,
      };
      figures[variant] = figure;
      return [variant, figure.cpuUsPerCall, figure.addedCpuUsPerCall, figure.cpuRatioToPlain, figure.wallUsPerCall, figure.addedWallUsPerCall];
    });
    printTable(
      `In-process CPU per call (medians of ${options.rounds} rounds; added and x = against the plain client of the same SDK, within each round)`,
      ['variant', 'CPU µs/call', 'added CPU µs', 'x plain CPU', 'wall µs/call', 'added wall µs'],
      rows,
      [0, 1, 1, 2, 0, 0],
    );
    const added = (figures['middleware + wrapper'] as { addedCpuUsPerCall: number }).addedCpuUsPerCall;
    const targetsMet = { middlewarePlusWrapperAtMost50UsCpu: added <= 50 };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { callsPerRound, rounds: options.rounds, figures, targetsMet };
    if (!options.quick) saveResults('in-process', results);
    return results;
  } finally {
    await meter.close();
    await memoryMeter.close();
    await upstream.stop();
    scratch.remove();
  }
}
