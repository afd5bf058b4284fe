// Every command, in the order of the help. A new command is a spec file here (name, options, help)
// and a file in ../commands/ (its code, loaded only when it runs), plus one line below.
import type { CommandSpec } from '../context.js';
import { cancelSpec } from './cancel.js';
import { completionSpec } from './completion.js';
import { createSpec } from './create.js';
import { demoSpec } from './demo.js';
import { exportSpec } from './export.js';
import { getSpec } from './get.js';
import { listSpec } from './list.js';
import { profilesSpec } from './profiles.js';
import { runSpec } from './run.js';
import { simulatorSpec } from './simulator.js';
import { waitSpec } from './wait.js';

export const COMMANDS: readonly CommandSpec[] = [
  listSpec,
  getSpec,
  createSpec,
  cancelSpec,
  waitSpec,
  runSpec,
  exportSpec,
  profilesSpec,
  simulatorSpec,
  demoSpec,
  completionSpec,
];
