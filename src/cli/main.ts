#!/usr/bin/env node
import { failureLine } from './failure-line.js';
import { createProgram } from './program.js';

const program = createProgram();

program.parseAsync(process.argv).catch((error: unknown) => {
  // User errors are one line that says what to fix; anything else is a bug and keeps its stack.
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  const { text, exitCode } = failureLine(error, { command: program.commands.some((c) => c.name() === command) ? command : undefined });
  process.stderr.write(text);
  process.exitCode = exitCode;
});
