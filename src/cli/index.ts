#!/usr/bin/env node
// The `aep-export-jobs` command. Wires the process (argv, streams, environment, Ctrl-C) to runCli.
import { runCli } from './program.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C lets a wait cancel its job and exit 130; a second one leaves at once.
  if (++interrupts > 1) process.exit(130);
  controller.abort(new Error('Interrupted'));
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
process.exitCode = code;
