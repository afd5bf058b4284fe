#!/usr/bin/env node
// The `aep-export-jobs` command. Wires the process (argv, streams, environment, Ctrl-C, a closed
// stdout) to runCli, which never exits the process itself.
import module from 'node:module';

// V8's compiled code for the CLI, the SDK and their dependencies is cached on disk (in the OS's
// temporary folder, as npm and tsc do): from the second run on, start-up skips most of the
// compilation, which is most of its cost. NODE_DISABLE_COMPILE_CACHE=1 turns it off. It applies
// to modules loaded after this call, hence the dynamic import of the program below.
module.enableCompileCache?.();
const { runCli } = await import('./program.js');

const interrupt = new AbortController();
let interrupts = 0;
// This is the only SIGINT handler: the progress line and bar install none of their own (a spinner
// library's handler used to exit 130 first on a terminal, so no job was ever cancelled).
process.on('SIGINT', () => {
  // The first Ctrl-C lets a wait cancel its job, print resume hints and exit 130; a second one leaves at once.
  if (++interrupts > 1) process.exit(130);
  interrupt.abort(new Error('Interrupted'));
});

// `aep-export-jobs --json list | head -1`: the reader went away (EPIPE). The command stops
// quietly, without a stack trace, and with the exit code of what it had done so far.
const outputClosed = new AbortController();
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || outputClosed.signal.aborted) outputClosed.abort();
  else throw error;
});
process.stderr.on('error', () => {
  // Nowhere left to report anything; the exit code still tells.
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
  outputClosed: outputClosed.signal,
});
process.exitCode = code;
