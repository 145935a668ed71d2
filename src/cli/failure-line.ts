import { CommanderError } from 'commander';
import { CprError } from '../errors.js';

/** What the CLI prints when a command fails, and the exit code. */
export interface CliFailure {
  /** The text for stderr, ending in a newline; empty when commander already printed (help). */
  text: string;
  exitCode: number;
}

/**
 * Turns whatever a command threw into the one line a user reads, without a stack: cpr-meter's
 * own errors, commander's (unknown option, missing argument, with the `--help` to read), and
 * file-system errors (`ENOENT`, `EACCES`...), which a user's path caused. Anything else is a bug,
 * and keeps its stack for the report.
 *
 * @example
 * failureLine(new ValidationError('--format must be one of ...'), { command: 'report' });
 * // { text: 'cpr-meter: --format must be one of ...\n', exitCode: 1 }
 */
export function failureLine(error: unknown, { command }: { command: string | undefined }): CliFailure {
  if (error instanceof CommanderError) {
    // Help and version were printed by commander itself (help with exit code 1 when no command was given).
    if (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed') {
      return { text: '', exitCode: error.exitCode };
    }
    const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*\(Did you mean/g, ' (did you mean').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
    const help = command === undefined ? 'cpr-meter --help' : `cpr-meter ${command} --help`;
    return { text: `cpr-meter: ${message}. See '${help}'.\n`, exitCode: 1 };
  }
  if (error instanceof CprError) return { text: `cpr-meter: ${oneLine(error.message)}\n`, exitCode: 1 };
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (error as NodeJS.ErrnoException).syscall !== undefined) {
    return { text: `cpr-meter: ${oneLine((error as Error).message)}\n`, exitCode: 1 };
  }
  return { text: `cpr-meter: ${(error as Error | null)?.stack ?? String(error)}\n`, exitCode: 1 };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
