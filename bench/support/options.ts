/** Command-line options shared by every benchmark. */
import { defaultLoadTool, type LoadTool } from './load.js';

/** What `npm run bench -- [names] [--flags]` asked for. */
export interface BenchOptions {
  /** Benchmarks to run, by name; empty: all. */
  names: string[];
  /** Alternating rounds per figure (medians are taken over them). Default 5 (3 with `--quick`). */
  rounds: number;
  /** Seconds per load measurement. Default 5 (2 with `--quick`). */
  durationS: number;
  /** `wrk` when installed, else `node` (autocannon + hrtime client). `--loadgen=node` forces the fallback. */
  tool: LoadTool;
  /** Write a CPU profile of each cpr-meter process to `bench/.profiles/` (`--profile`). */
  profile: boolean;
  /** Shorter runs, for a smoke test (`--quick`). */
  quick: boolean;
  /** Only these targets of the proxy benchmark (`--targets=bare,cpr-meter`); empty: all. For profiling. */
  targets: string[];
}

const HELP = `npm run bench -- [proxy] [streaming] [ledger] [report] [memory] [in-process] [stalls] [webhooks] [dashboard] [postgres] [options]
  --rounds=N       alternating rounds per figure (default 5, 3 with --quick)
  --duration=S     seconds per load measurement (default 5, 2 with --quick)
  --loadgen=wrk|node  load generator (default: wrk when installed, else autocannon + hrtime client)
  --profile        write cpr-meter's CPU profiles to bench/.profiles/
  --quick          shorter runs (a smoke test, not figures to publish)
  --targets=a,b    proxy benchmark only: run these of direct, bare, cpr-meter, portkey (for profiling)`;

/** Parses `argv` (without node and the script). Exits with the help text on `--help` or an unknown flag. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const names: string[] = [];
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const [name, value = 'true'] = arg.slice(2).split('=', 2) as [string, string?];
    flags.set(name, value);
  }
  const known = new Set(['rounds', 'duration', 'loadgen', 'profile', 'quick', 'targets', 'help']);
  const unknown = [...flags.keys()].filter((name) => !known.has(name));
  if (flags.has('help') || unknown.length > 0) {
    if (unknown.length > 0) process.stderr.write(`unknown option: --${unknown.join(', --')}\n`);
    process.stdout.write(`${HELP}\n`);
    process.exit(unknown.length > 0 ? 2 : 0);
  }
  const quick = flags.has('quick');
  const tool = flags.get('loadgen') ?? defaultLoadTool();
  if (tool !== 'wrk' && tool !== 'node') throw new Error(`--loadgen must be wrk or node; got ${tool}`);
  return {
    names,
    rounds: Number(flags.get('rounds') ?? (quick ? 3 : 5)),
    durationS: Number(flags.get('duration') ?? (quick ? 2 : 5)),
    tool,
    profile: flags.has('profile'),
    quick,
    targets: flags.get('targets')?.split(',').filter(Boolean) ?? [],
  };
}
