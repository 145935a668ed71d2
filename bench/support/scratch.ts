/** Scratch directories for benchmark databases, under `bench/.cache/` (gitignored), removed after each run. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `bench/.cache/`: generated ledgers that are reused between runs, and scratch directories. */
export const CACHE_DIR = fileURLToPath(new URL('../.cache/', import.meta.url));

/** `bench/.profiles/`: CPU profiles written with `--profile`. */
export const PROFILE_DIR = fileURLToPath(new URL('../.profiles/', import.meta.url));

/** A fresh directory under `bench/.cache/`, with a remover. */
export function scratchDir(prefix: string): { path: string; file(name: string): string; remove(): void } {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = mkdtempSync(join(CACHE_DIR, `${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
