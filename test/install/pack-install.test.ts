import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { repoRoot } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { installScratchProject } from './scratch-project.js';

// The package as a user gets it: `npm pack` (of dist/, which `npm test` builds first), installed
// offline into a fresh project with the application's own express and openai, the README's
// in-process example run there as written. About 45 s (npm ci 14 s of it, measured); with
// CPR_PACK_TEST_COMPILE=1, better-sqlite3 compiles too (76 to 95 s of CPU, measured).
const run = promisify(execFile);
const compile = process.env.CPR_PACK_TEST_COMPILE === '1';
const repoPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string; exports: Record<string, unknown>; devDependencies: Record<string, string>;
};
const dir = tempDir('cpr-pack-');
const project = tempDir('cpr-app-');
let sim: SimulatedUpstream;
let install: { seconds: number; npmOutput: string };

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir.path], { cwd: repoRoot });
  install = await installScratchProject({
    repoRoot,
    dir: project.path,
    tarball: dir.file(`cpr-meter-${repoPackage.version}.tgz`),
    // The versions the repository tests with, which its own install put in the npm cache.
    appDependencies: { express: repoPackage.devDependencies.express!, openai: repoPackage.devDependencies.openai! },
    compile,
  });
}, 600_000);
afterAll(async () => {
  await sim.close();
  dir.remove();
  project.remove();
});

/** Runs `node` in the project. */
const node = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, args, { cwd: project.path, env: { ...process.env, ...env } });
const cli = join(project.path, 'node_modules/.bin/cpr-meter');

/** The first fenced block of the README's in-process section, as written. */
function readmeInProcessExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### 2. In-process'));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('No ```js block in the README\'s "### 2. In-process" section');
  return block[1]!;
}

/** The first truthy value `check` resolves to, tried every 100 ms for up to `seconds`. */
async function until<T>(check: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not met within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A free loopback port for the example, which listens on PORT. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the packed package, installed into a fresh project', () => {
  it('installs offline, the peer dependencies being the application\'s own', async () => {
    console.info(`npm ci of the tarball: ${install.seconds.toFixed(1)} s${compile ? ' (better-sqlite3 compiled)' : ''}`);
    // `npm ls` fails on a missing or unmet (peer) dependency.
    const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: project.path });
    const tree = JSON.parse(stdout) as { dependencies: Record<string, { version: string }> };
    expect(tree.dependencies['cpr-meter']!.version).toBe(repoPackage.version);
    expect(tree.dependencies.express!.version).toBe(repoPackage.devDependencies.express);
    expect(tree.dependencies.openai!.version).toBe(repoPackage.devDependencies.openai);
    // One copy of each: cpr-meter has no express, openai or OpenTelemetry SDK of its own.
    const nested = ['express', 'openai', '@opentelemetry/sdk-node'].filter((name) => existsSync(join(project.path, 'node_modules/cpr-meter/node_modules', name)));
    expect(nested).toEqual([]);
    expect(existsSync(join(project.path, 'node_modules/@opentelemetry/sdk-node'))).toBe(false);
  }, 60_000);

  it('imports every subpath export', async () => {
    const subpaths = Object.keys(repoPackage.exports).filter((path) => path !== './package.json');
    expect(subpaths).toEqual(['.', './express', './ai-sdk', './otel', './simulator']);
    const script = subpaths.map((path, i) => `const m${i} = await import('cpr-meter${path.slice(1)}'); console.log('${path}', Object.keys(m${i}).length);`).join('\n');
    writeFileSync(join(project.path, 'imports.mjs'), `${script}\nconst { createMeter } = await import('cpr-meter');\nconsole.log(typeof createMeter);\n`);
    const { stdout } = await node(['imports.mjs']);
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['.', './express', './ai-sdk', './otel', './simulator', 'function']);
    for (const line of lines.slice(0, 5)) expect(Number(line.split(' ')[1])).toBeGreaterThan(0);
    const { stdout: names } = await node(['-e', "import('cpr-meter/express').then((m) => console.log(typeof m.costTracking, typeof m.getConversation)); import('cpr-meter/otel').then((m) => console.log(typeof m.startTelemetry)); import('cpr-meter/simulator').then((m) => console.log(typeof m.startSimulatedUpstream)); import('cpr-meter/ai-sdk').then((m) => console.log(typeof m.aiSdkMiddleware, typeof m.aiSdkEmbeddingMiddleware, typeof m.wrapEmbeddingModel)); import('cpr-meter').then((m) => console.log(typeof m.wrapAnthropic));"]);
    // cpr-meter/ai-sdk loads without the AI SDK installed (the project has none): it is typed by shape.
    expect(names.trim().split('\n').sort()).toEqual(['function', 'function', 'function', 'function function', 'function function function'].sort());
  }, 60_000);

  it('runs `cpr-meter --help`', async () => {
    const { stdout } = await run(cli, ['--help'], { cwd: project.path });
    expect(stdout).toContain('Usage: cpr-meter [options] [command]');
    expect(stdout).toMatch(/serve/);
  }, 60_000);

  it('says what `serve --otel` needs when the optional OpenTelemetry SDK is not installed', async () => {
    const failed = await run(cli, ['serve', '--otel', '--port', '0', '--db', 'otel.db'], { cwd: project.path }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('needs the OpenTelemetry Node SDK: npm install @opentelemetry/sdk-node');
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("runs the README's in-process example as written, which records the call and the handoff", async () => {
    writeFileSync(join(project.path, 'chatbot.mjs'), readmeInProcessExample());
    const port = await freePort();
    const chatbot: ChildProcess = spawn(process.execPath, ['chatbot.mjs'], {
      cwd: project.path,
      // The openai client's own variables point it at the simulated upstream.
      env: { ...process.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: sim.openaiBaseUrl, PORT: String(port) },
    });
    let stderr = '';
    chatbot.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      // gpt-4o-mini: 0.15 input, 0.6 output (USD / 1M): 1,000 in + 100 out = 150 + 60 = 210 per million = $0.00021.
      sim.enqueue({ text: 'Of course, a colleague will take over.', usage: { input: 1000, output: 100 } });
      const answer = await until(() => fetch(`http://127.0.0.1:${port}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cpr-conversation-id': 'chat-8812' },
        body: JSON.stringify({ message: 'Can I talk to a human?' }),
      }).catch(() => undefined), 15);
      expect(await answer.json()).toEqual({ role: 'assistant', content: 'Of course, a colleague will take over.', refusal: null, annotations: [] });
      const report = await until(async () => {
        const { stdout } = await run(cli, ['report', '--format', 'json'], { cwd: project.path });
        const parsed = JSON.parse(stdout) as { totals: Record<string, number> };
        return parsed.totals.llmCalls === 1 ? parsed : undefined;
      }, 15);
      expect(report.totals).toMatchObject({ tickets: 1, aiHandled: 1, escalated: 1, contained: 0, conversations: 1, llmCalls: 1, inputTokens: 1000, outputTokens: 100 });
      expect(report.totals.llmCostUsd).toBeCloseTo(0.00021, 12);
      expect(stderr).toBe('');
    } finally {
      chatbot.kill('SIGTERM');
    }
  }, 60_000);
});
