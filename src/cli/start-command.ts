// `caixun start`: runs the service until SIGTERM or SIGINT, then stops the loops, lets polls
// and sends in flight finish, and closes the stores.

import { startService } from '../service.ts';
import { EXIT_OK, parseFlags } from './io.ts';
import type { CliContext } from './context.ts';

export const USAGE = 'caixun start';

export async function runStartCommand(argv: string[], ctx: CliContext): Promise<number> {
  parseFlags(argv, {}, USAGE);
  const deps = await ctx.deps();
  const service = await startService(deps, { dryRunOutput: ctx.io.stdout });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      deps.log.info(`${signal}: shutting down`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve();
    };
    const onInt = () => shutdown('SIGINT');
    const onTerm = () => shutdown('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  await service.stop();
  deps.log.info('stopped');
  return EXIT_OK; // the CLI closes the stores
}
