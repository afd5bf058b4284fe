import type { CommandContext } from '../context.js';
import { parseDuration } from '../parse.js';
import { runSimulator } from '../simulator-commands.js';
import { UsageError } from '../usage-error.js';

/** `simulator`: serves until Ctrl-C. A port in use is a usage error that says what to do. */
export async function run(context: CommandContext): Promise<void> {
  const flags = context.command.opts<{ port: string; host: string; jobDuration: string; failSegment?: string[] }>();
  const port = Number(flags.port);
  if (!(/^\d+$/.test(flags.port.trim()) && port < 65_536))
    throw new UsageError(`--port must be a port number from 0 to 65535; got ${JSON.stringify(flags.port)}`);
  const jobDuration = parseDuration(flags.jobDuration, '--job-duration');
  try {
    await runSimulator(context.io, { port, host: flags.host, jobDuration, failingSegments: flags.failSegment ?? [] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `port ${port} on ${flags.host} is in use; pick another with --port <n>, or --port 0 for a free one`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`--host ${flags.host} is not an address of this machine`);
    if (code === 'EACCES')
      throw new UsageError(`port ${port} needs privileges; pick one above 1023 with --port <n>, or --port 0`);
    throw error;
  }
}
