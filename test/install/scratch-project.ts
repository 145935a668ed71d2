import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A lockfile entry, as npm writes it. */
interface LockEntry {
  version?: string;
  name?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

/** What a scratch project installs: the packed tarball and the application's own packages. */
export interface ScratchProjectOptions {
  /** The repository root, whose package-lock.json pins every package the tarball needs. */
  repoRoot: string;
  /** The scratch project's folder (empty). */
  dir: string;
  /** The `npm pack` tarball. */
  tarball: string;
  /** The application's own dependencies, name to exact version, as in the repository's lockfile. */
  appDependencies: Record<string, string>;
  /** Let better-sqlite3 compile (minutes) rather than copy the repository's own build of the same version. */
  compile: boolean;
}

/**
 * Sets up a fresh project that depends on the packed tarball and installs it with `npm ci
 * --offline`, from the npm cache that the repository's own install filled. Its lockfile is the
 * repository's (the same pinned packages, so the same tarballs, found in the cache by their
 * integrity) with the tarball as `cpr-meter`; npm leaves out whatever the project does not need
 * (the repository's dev dependencies). Every entry gets its registry URL, which this repository's
 * lockfile omits (`omit-lockfile-registry-resolved`): without it npm would ask the registry for
 * each package's metadata.
 *
 * better-sqlite3 compiles SQLite in its install script. Unless `compile` is set, the install
 * skips install scripts and the project gets the repository's own `better_sqlite3.node`: the
 * same better-sqlite3 version, compiled from source on this machine by the repository's
 * `npm install` for the Node that runs the tests (a build for another Node would fail to load, and
 * the test with it), so the one thing not repeated is that compile.
 */
export async function installScratchProject({ repoRoot, dir, tarball, appDependencies, compile }: ScratchProjectOptions): Promise<{ seconds: number; npmOutput: string }> {
  const repoLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const repoPackage = repoLock.packages['']!;
  const dependencies = { 'cpr-meter': `file:${tarball}`, ...appDependencies };
  const manifest = { name: 'scratch-app', version: '1.0.0', private: true, type: 'module', dependencies, allowScripts: { 'better-sqlite3': true } };
  const packages: Record<string, LockEntry> = { '': { name: manifest.name, version: manifest.version, dependencies } };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path === '') continue;
    const { dev: _dev, devOptional: _devOptional, ...kept } = entry;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (kept.resolved === undefined && !kept.link) kept.resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = kept;
  }
  packages['node_modules/cpr-meter'] = {
    version: repoPackage.version,
    resolved: `file:${tarball}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    dependencies: repoPackage.dependencies,
    peerDependencies: repoPackage.peerDependencies,
    peerDependenciesMeta: repoPackage.peerDependenciesMeta,
    bin: repoPackage.bin,
    engines: repoPackage.engines,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2));

  const started = performance.now();
  const args = ['ci', '--offline', '--no-audit', '--no-fund', ...(compile ? [] : ['--ignore-scripts'])];
  const { stdout, stderr } = await run('npm', args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  if (!compile) copyRepositoryBuild(repoRoot, dir);
  return { seconds: (performance.now() - started) / 1000, npmOutput: stdout + stderr };
}

/** Copies the repository's compiled better-sqlite3 into the project, after checking it is the same version for the same Node. */
function copyRepositoryBuild(repoRoot: string, dir: string): void {
  const versionIn = (root: string) => (JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
  if (versionIn(repoRoot) !== versionIn(dir)) throw new Error(`better-sqlite3 ${versionIn(dir)} installed, the repository built ${versionIn(repoRoot)}: set CPR_PACK_TEST_COMPILE=1`);
  const release = 'node_modules/better-sqlite3/build/Release';
  mkdirSync(join(dir, release), { recursive: true });
  copyFileSync(join(repoRoot, release, 'better_sqlite3.node'), join(dir, release, 'better_sqlite3.node'));
}
