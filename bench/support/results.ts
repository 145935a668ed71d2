/**
 * The results file, `bench/results/latest.json`: one entry per benchmark, each replaced when that
 * benchmark runs again (so a run of a subset keeps the others' latest figures), plus the machine.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where the latest results are written. */
export const RESULTS_FILE = fileURLToPath(new URL('../results/latest.json', import.meta.url));

/** What this run ran on. */
export function machine() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // 1, 5 and 15 minutes, when this was called: other work on the machine shows here.
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** Stores one benchmark's results under its name, keeping the others. */
export function saveResults(name: string, results: unknown): void {
  let file: { benchmarks?: Record<string, unknown> } = {};
  try {
    file = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as typeof file;
  } catch {
    file = {};
  }
  const benchmarks = { ...file.benchmarks, [name]: { measuredAt: new Date().toISOString(), machine: machine(), ...(results as object) } };
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ benchmarks }, null, 2)}\n`);
}
