/**
 * The benchmarks measure cpr-meter as it ships: compiled by `tsc` (as `npm run build` does), not
 * transpiled on the fly by tsx (whose output wraps every function expression in a naming helper,
 * a cost the package does not have). The sources are compiled once per run into
 * `bench/.cache/dist/`, leaving the repository's `dist/` alone.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from './child.js';
import { CACHE_DIR } from './scratch.js';

/** Where the compiled sources go. */
export const BUILD_DIR = fileURLToPath(new URL('../.cache/dist/', import.meta.url));

/** Where the benchmark's own servers (fake upstream, bare proxy) are compiled to, held to the same standard. */
export const BENCH_BUILD_DIR = fileURLToPath(new URL('../.cache/bench-dist/', import.meta.url));

const TSC_FLAGS = ['--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'];

let built = false;

/** Compiles `src/` into {@link BUILD_DIR} (once per process). */
export function buildSources(): void {
  if (built) return;
  process.stdout.write('compiling src/ with tsc for the benchmarks...\n');
  mkdirSync(BUILD_DIR, { recursive: true });
  // `src/cli/version.ts` reads `../../package.json` from its compiled file: give it one there.
  copyFileSync(`${ROOT}package.json`, `${CACHE_DIR}package.json`);
  // The dashboard's files are read from `../../assets/dashboard/` of the compiled handler.
  cpSync(`${ROOT}assets`, `${CACHE_DIR}assets`, { recursive: true });
  const tsc = (args: string[]) => {
    const run = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, ...args, ...TSC_FLAGS], { cwd: ROOT, encoding: 'utf8' });
    // Type errors elsewhere (work in progress) do not stop the emit; only a failure to emit does.
    if (run.status !== 0 && !/error TS/.test(run.stdout)) throw new Error(`tsc failed:\n${run.stdout}${run.stderr}`);
    if (run.status !== 0) process.stdout.write('(tsc reported type errors; the benchmarks use what it emitted)\n');
  };
  tsc(['-p', `${ROOT}tsconfig.build.json`, '--outDir', BUILD_DIR]);
  tsc([`${ROOT}bench/support/fake-upstream.ts`, `${ROOT}bench/support/bare-proxy.ts`, '--outDir', BENCH_BUILD_DIR,
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node']);
  built = true;
}

/** Imports a compiled module of `src/`, by its path under `src/` with a `.js` extension. */
export async function importBuilt<T>(modulePath: string): Promise<T> {
  buildSources();
  return (await import(pathToFileURL(`${BUILD_DIR}${modulePath}`).href)) as T;
}
