import type { Command } from 'commander';
import type { ConnectionFlags } from './config.js';
import type { CliIo } from './io.js';

/** The global options, given before or after the command. */
export interface GlobalFlags extends ConnectionFlags {
  json?: boolean;
  quiet?: boolean;
}

/** What a command's code gets when it runs. */
export interface CommandContext {
  io: CliIo;
  /** The commander command, for its arguments (`command.args`) and options (`command.opts()`). */
  command: Command;
  globals: GlobalFlags;
  /** Colour and bold on stdout: it is a terminal and NO_COLOR is unset. */
  style: boolean;
  /** The columns to fit tables to: stdout's, when it is a terminal; undefined in a pipe (nothing is cut). */
  width: number | undefined;
  /** Aborted on Ctrl-C: stops a wait (which may then cancel its job). */
  signal: AbortSignal | undefined;
  /** Aborted on Ctrl-C or when stdout's reader went away: for work done only to be printed (listing). */
  outputSignal: AbortSignal | undefined;
}

/** What a command module exports: it resolves with the exit code (0 when nothing is returned). */
export interface CommandModule {
  run(context: CommandContext): Promise<number | void>;
}

/**
 * A command as the program knows it before it runs: its name, options and help (cheap), and how
 * to load its code (only when it runs, so `--help` never loads the SDK).
 */
export interface CommandSpec {
  name: string;
  /** Adds the description, arguments and options. */
  define(command: Command): Command;
  /** Two or three command lines shown under "Examples" in the command's help. */
  examples: ReadonlyArray<readonly [comment: string, command: string]>;
  load(): Promise<CommandModule>;
}
