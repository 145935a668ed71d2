import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { failureLine } from '../../src/cli/failure-line.js';
import { LedgerError } from '../../src/errors.js';

describe('failureLine', () => {
  it("prints cpr-meter's own errors as their message, on one line", () => {
    expect(failureLine(new LedgerError('No ledger at ./x.db: the file does not exist.'), { command: 'report' }))
      .toEqual({ text: 'cpr-meter: No ledger at ./x.db: the file does not exist.\n', exitCode: 1 });
  });

  it('prints a file-system error the CLI did not foresee as one line, without a stack', () => {
    let error: unknown;
    try {
      readFileSync('/no/such/file.json');
    } catch (e) {
      error = e;
    }
    expect(failureLine(error, { command: 'report' }))
      .toEqual({ text: "cpr-meter: ENOENT: no such file or directory, open '/no/such/file.json'\n", exitCode: 1 });
  });

  it("makes commander's errors one line that says which help to read", () => {
    const unknown = new CommanderError(1, 'commander.unknownOption', "error: unknown option '--frm'\n(Did you mean --from?)");
    expect(failureLine(unknown, { command: 'report' }).text).toBe("cpr-meter: unknown option '--frm' (did you mean --from?). See 'cpr-meter report --help'.\n");
    expect(failureLine(unknown, { command: undefined }).text).toBe("cpr-meter: unknown option '--frm' (did you mean --from?). See 'cpr-meter --help'.\n");
  });

  it('prints nothing more after help or the version, with their exit code', () => {
    expect(failureLine(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), { command: 'serve' })).toEqual({ text: '', exitCode: 0 });
    expect(failureLine(new CommanderError(0, 'commander.version', '0.1.0'), { command: undefined })).toEqual({ text: '', exitCode: 0 });
    // `cpr-meter` alone prints the help to stderr and fails.
    expect(failureLine(new CommanderError(1, 'commander.help', '(outputHelp)'), { command: undefined })).toEqual({ text: '', exitCode: 1 });
  });

  it('keeps the stack of anything else: that is a bug in cpr-meter, and the stack is what its report needs', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'costUsd')");
    const { text, exitCode } = failureLine(bug, { command: 'report' });
    expect(exitCode).toBe(1);
    expect(text).toBe(`cpr-meter: ${bug.stack}\n`);
    expect(text).toMatch(/\n\s+at /);
  });
});
