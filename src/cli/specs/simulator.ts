import type { CommandSpec } from '../context.js';

export const simulatorSpec: CommandSpec = {
  name: 'simulator',
  define: (command) =>
    command
      .description('serve the embedded export jobs simulator on loopback until interrupted')
      .option('--port <port>', 'port to listen on; 0 picks a free one', '4010')
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option(
        '--job-duration <duration>',
        'how long a job takes from NEW to SUCCEEDED, with its unit: 500ms, 30s, 10m',
        '10s',
      )
      .option('--fail-segment <id...>', 'segments whose jobs end FAILED'),
  examples: [
    ['Serve on port 4010', 'aep-export-jobs simulator'],
    [
      'On a free port, jobs of 20 seconds, one segment failing',
      'aep-export-jobs simulator --port 0 --job-duration 20s --fail-segment broken',
    ],
  ],
  load: () => import('../commands/simulator.js'),
};
