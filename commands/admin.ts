// Operator commands (ADMIN_IDS): /sources, /addsource <url>, /removesource <id>. The sources
// file validates; its UsageError messages (bad URL, duplicate, unknown id) are shown as they are.

import { CaixunError, describeError } from '../src/errors.ts';
import { cleanArg } from './args.ts';
import { joinWithin } from './html.ts';
import { isOperator, reply, type Request } from './common.ts';

async function operatorsOnly(req: Request): Promise<boolean> {
  if (isOperator(req)) return true;
  await reply(req, req.t.operatorsOnly());
  return false;
}

export async function sourcesCommand(req: Request): Promise<void> {
  if (!(await operatorsOnly(req))) return;
  const sources = await req.deps.sources.list();
  await reply(req, joinWithin(req.t.sourcesList(sources)));
}

export async function addSourceCommand(req: Request): Promise<void> {
  if (!(await operatorsOnly(req))) return;
  const url = cleanArg(req.args);
  if (!url || /\s/.test(url)) return reply(req, req.t.addSourceUsage());
  await changeSources(req, async () => {
    const source = await req.deps.sources.add(url);
    req.deps.log.info({ sourceId: source.id, url: source.url, by: req.userId }, 'source added from Telegram');
    return req.t.sourceAdded(source.id, source.name, source.url);
  });
}

export async function removeSourceCommand(req: Request): Promise<void> {
  if (!(await operatorsOnly(req))) return;
  const id = cleanArg(req.args);
  if (!id || /\s/.test(id)) return reply(req, req.t.removeSourceUsage());
  await changeSources(req, async () => {
    const source = await req.deps.sources.remove(id);
    req.deps.log.info({ sourceId: source.id, by: req.userId }, 'source removed from Telegram');
    return req.t.sourceRemoved(source.id, source.name);
  });
}

/** Runs a change to the sources file and replies with its result, or with the file's own
 * explanation (bad URL, duplicate, unknown id). Anything else is a bug for bot.catch. */
async function changeSources(req: Request, change: () => Promise<string>): Promise<void> {
  let text: string;
  try {
    text = await change();
  } catch (error) {
    if (!(error instanceof CaixunError)) throw error;
    text = req.t.operatorFailed(describeError(error));
  }
  await reply(req, text);
}
