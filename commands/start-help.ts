// /start and /help: what caixun does, and the commands (operators also see theirs).

import { isOperator, reply, type Request } from './common.ts';

export async function startCommand(req: Request): Promise<void> {
  await reply(req, req.t.start(req.ctx.from?.first_name));
}

export async function helpCommand(req: Request): Promise<void> {
  await reply(req, req.t.help(isOperator(req)));
}
