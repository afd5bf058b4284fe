// The program: global options, every command's options and help, and error reporting. It loads
// commander and the command specs only; a command's code (and the SDK) is imported when it runs,
// so `--help`, `--version` and usage errors start about as fast as node itself.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import type { CommandContext, CommandSpec, GlobalFlags } from './context.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { COMMANDS } from './specs/index.js';

const EXIT_CODES =
  'Exit codes: 0 succeeded, 1 job failed, 2 usage or validation error, 3 wait timed out, 4 API or network error, 130 interrupted.';

/**
 * Runs the CLI with `argv` (the arguments after the program name) and resolves with the exit
 * code. Never calls `process.exit`: `src/cli/index.ts` does, so tests can drive this directly.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const guarded = guardStdout(io);
  let exitCode: number = ExitCode.Success;
  const program = buildProgram(guarded, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // --help, --version and commander's usage errors (already printed) load nothing more.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
    const { reportError } = await import('./report-error.js');
    return reportError(error, guarded, exitCode);
  }
}

/** The commander program, with every command; `onExit` receives a command's exit code. */
export function buildProgram(io: CliIo, onExit: (code: number) => void): Command {
  const program = new Command('aep-export-jobs')
    .description('Create, watch, list and cancel AEP Segmentation Service export jobs.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    // Each command's --help lists the global options too, as gh does.
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .showSuggestionAfterError(true)
    .option('--access-token <token>', 'bearer token (env AEP_ACCESS_TOKEN)')
    .option('--client-id <id>', 'OAuth Server-to-Server client id, instead of a token (env AEP_CLIENT_ID)')
    .option(
      '--client-secret <secret>',
      'OAuth Server-to-Server client secret (env AEP_CLIENT_SECRET; prefer the variable)',
    )
    .option('--scopes <list>', 'OAuth scopes, comma-separated (env AEP_SCOPES)')
    .option('--ims-url <url>', 'IMS token endpoint (env AEP_IMS_URL)')
    .option('--api-key <key>', 'API key (env AEP_API_KEY; defaults to the client id with OAuth)')
    .option('--org-id <id>', 'IMS org id, ...@AdobeOrg (env AEP_ORG_ID)')
    .option('--sandbox <name>', 'sandbox name (env AEP_SANDBOX_NAME)')
    .option('--base-url <url>', 'API base URL (env AEP_BASE_URL; default https://platform.adobe.io/data/core/ups)')
    .option('--request-timeout <duration>', 'per-request timeout, with its unit: 500ms, 30s, 2m (default 60s)')
    .option('--json', 'print one JSON document on stdout (progress and errors stay on stderr)')
    .option('--quiet', 'no progress output on stderr')
    .option('--verbose', 'log each HTTP attempt on stderr, secrets redacted (or DEBUG=aep-export-jobs)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ aep-export-jobs list\n  $ aep-export-jobs run --file request.json --timeout 1h\n  $ aep-export-jobs help export\n\n${EXIT_CODES}`,
    );
  for (const spec of COMMANDS) addCommand(program, spec, io, onExit);
  return program;
}

function addCommand(program: Command, spec: CommandSpec, io: CliIo, onExit: (code: number) => void): void {
  const command = spec.define(program.command(spec.name));
  const examples = spec.examples.map(([comment, line]) => `  # ${comment}\n  $ ${line}`).join('\n');
  command.addHelpText('after', `\nExamples:\n${examples}\n\n${EXIT_CODES}`);
  command.action(async (...args: unknown[]) => {
    const self = args.at(-1) as Command;
    const module = await spec.load();
    const code = await module.run(contextFor(self, io));
    onExit(code ?? ExitCode.Success);
  });
}

function contextFor(command: Command, io: CliIo): CommandContext {
  const stdout = io.stdout;
  const signals = [io.signal, io.outputClosed].filter((signal): signal is AbortSignal => signal !== undefined);
  return {
    io,
    command,
    globals: command.optsWithGlobals<GlobalFlags>(),
    // Colour only on a terminal, and never with NO_COLOR (https://no-color.org).
    style: Boolean(stdout.isTTY) && !io.env.NO_COLOR,
    width: stdout.isTTY ? (stdout.columns ?? (Number(io.env.COLUMNS) || 80)) : undefined,
    signal: io.signal,
    outputSignal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
  };
}

/** Writes to stdout become no-ops once its reader went away, so that nothing throws or retries. */
function guardStdout(io: CliIo): CliIo {
  const closed = io.outputClosed;
  if (!closed) return io;
  const stdout = io.stdout;
  return {
    ...io,
    stdout: {
      write: (text: string) => (closed.aborted ? false : stdout.write(text)),
      get isTTY() {
        return stdout.isTTY;
      },
      get columns() {
        return stdout.columns;
      },
      // Backpressure passes through: a writer told `false` waits for the real stream's drain.
      ...(stdout.once && stdout.off
        ? {
            once: (event: 'drain', listener: () => void) => stdout.once!(event, listener),
            off: (event: 'drain', listener: () => void) => stdout.off!(event, listener),
          }
        : {}),
    },
  };
}
