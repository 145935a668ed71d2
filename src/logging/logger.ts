/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured logger: a message and flat fields. Never given prompt text or credentials. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default `info` (env `CPR_LOG_LEVEL`). */
  level?: LogLevel;
  /** Where lines go. Default `process.stderr`. */
  write?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * A JSON-lines logger: one object a line with `time`, `level`, `msg` and the fields.
 *
 * @example
 * createLogger({ level: 'warn' }).warn('ledger write failed', { kind: 'SQLITE_BUSY' });
 */
export function createLogger({
  level = 'info',
  write = (line) => process.stderr.write(line),
  now = () => new Date(),
}: LoggerOptions = {}): Logger {
  const min = RANK[level];
  const log = (lineLevel: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[lineLevel] < min) return;
    write(`${JSON.stringify({ time: now().toISOString(), level: lineLevel, msg: message, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
