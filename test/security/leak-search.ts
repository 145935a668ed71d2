import { existsSync, readFileSync } from 'node:fs';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { inMemoryOtel, type InMemoryOtel } from '../telemetry/in-memory-otel.js';

/** A secret planted for the test: recognisable, and unique enough that a hit is never chance. */
export function plantSecret(role: string): string {
  const random = Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `sk-PLANTED-${role}-${random}`;
}

/** Everywhere a secret could end up, gathered while the test runs. */
export interface LeakTrap {
  /** A JSON-lines logger at debug level whose every line is kept. */
  logger: Logger;
  otel: InMemoryOtel;
  /** Ledger files to search (the `-wal` and `-shm` files next to them are searched too). */
  dbFiles: string[];
  /** Bodies of the error answers cpr-meter itself made. */
  ownErrorBodies: string[];
  /** Keeps the body of one of cpr-meter's own error answers, and returns it parsed. */
  keepOwnError(res: Response): Promise<{ error: { message: string; type: string; code?: string; param?: string | null } }>;
  /** Stops listening to process warnings. */
  stop(): void;
  /** Each place a secret was found, as `where: needle`; empty when nothing leaked. */
  search(secrets: string[]): Promise<string[]>;
  /** How much was searched, for the report. */
  searched(): { logLines: number; warnings: number; spans: number; metricPoints: number; dbBytes: number; errorBodies: number };
}

/** What to look for: each secret whole, its random part alone, and the marker every planted secret carries. */
function needlesOf(secrets: string[]): string[] {
  return [...new Set(['PLANTED', ...secrets, ...secrets.map((s) => s.split('-').at(-1)!)])];
}

/** Starts the trap: a capturing logger, in-memory span and metric exporters, and a listener for process warnings. */
export function setLeakTrap(): LeakTrap {
  const logLines: string[] = [];
  const warnings: string[] = [];
  const ownErrorBodies: string[] = [];
  const dbFiles: string[] = [];
  const otel = inMemoryOtel();
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  let dbBytes = 0;
  let metricPoints = 0;

  return {
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    otel, dbFiles, ownErrorBodies,
    async keepOwnError(res) {
      const text = await res.text();
      ownErrorBodies.push(text);
      return JSON.parse(text) as Awaited<ReturnType<LeakTrap['keepOwnError']>>;
    },
    stop: () => void process.off('warning', onWarning),
    async search(secrets) {
      const needles = needlesOf(secrets);
      const found: string[] = [];
      const look = (where: string, haystack: string | Buffer) => {
        for (const needle of needles) if (haystack.includes(needle)) found.push(`${where}: ${needle}`);
      };
      dbBytes = 0;
      for (const file of dbFiles) {
        for (const path of [file, `${file}-wal`, `${file}-shm`]) {
          if (!existsSync(path)) continue;
          const bytes = readFileSync(path);
          dbBytes += bytes.length;
          look(path, bytes);
          // SQLite stores text as UTF-8, but a UTF-16 copy would escape a UTF-8 search.
          look(`${path} (utf-16)`, bytes.toString('utf16le'));
        }
      }
      logLines.forEach((line, i) => look(`log line ${i}`, line));
      warnings.forEach((warning, i) => look(`process warning ${i}`, warning));
      ownErrorBodies.forEach((body, i) => look(`error body ${i}`, body));
      for (const span of otel.spans()) {
        look(`span ${span.name}`, JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events,
          status: span.status, links: span.links, resource: span.resource.attributes }));
      }
      const metrics = await otel.collect();
      metricPoints = 0;
      for (const [name, metric] of metrics) {
        for (const point of metric.dataPoints) {
          metricPoints += 1;
          look(`metric ${name}`, JSON.stringify(point.attributes));
        }
      }
      return found;
    },
    searched: () => ({ logLines: logLines.length, warnings: warnings.length, spans: otel.spans().length, metricPoints, dbBytes,
      errorBodies: ownErrorBodies.length }),
  };
}
