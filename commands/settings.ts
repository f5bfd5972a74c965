// /digest, /timezone, /mode and /list: a chat's delivery settings. Showing is open to everyone
// in the chat; changing needs a group admin (see requireManager).

import type { Source, Subscription } from '../src/types.ts';
import type { ListView } from '../src/i18n.ts';
import { cleanArg, parseDigestArg, parseModeArg, parseTimezoneArg, type CompanyLookup } from './args.ts';
import { clip, joinWithin, localTime } from './html.ts';
import { reply, requireManager, type Request } from './common.ts';

export async function digestCommand(req: Request): Promise<void> {
  const { chat, t, deps } = req;
  const parsed = parseDigestArg(req.args);
  if (!parsed.ok) return reply(req, t.digestBadTime(clip(cleanArg(req.args), 40)));
  const arg = parsed.value;
  if (arg.kind === 'show') return reply(req, t.digestShow(chat.digestAt, chat.timezone, chat.mode));
  if (!(await requireManager(req))) return;
  if (arg.kind === 'now') {
    const posts = await deps.digests.sendNow(chat.id);
    // With nothing to send the digest service already queued its own "no news" notice.
    if (posts > 0) await reply(req, t.digestQueued(posts));
    return;
  }
  if (arg.kind === 'off') {
    const updated = await deps.chats.update(chat.id, { digestAt: null });
    return reply(req, t.digestOff(updated.mode));
  }
  const updated = await deps.chats.update(chat.id, { digestAt: arg.at });
  return reply(req, t.digestSet(arg.at, updated.timezone, updated.mode));
}

export async function timezoneCommand(req: Request): Promise<void> {
  const { chat, t, deps } = req;
  const parsed = parseTimezoneArg(req.args);
  if (!parsed.ok) return reply(req, t.timezoneBad(clip(cleanArg(req.args), 64)));
  const now = deps.clock.now();
  if (parsed.value.kind === 'show') return reply(req, t.timezoneShow(chat.timezone, localTime(now, chat.timezone)));
  if (!(await requireManager(req))) return;
  const updated = await deps.chats.update(chat.id, { timezone: parsed.value.zone });
  return reply(req, t.timezoneSet(updated.timezone, localTime(now, updated.timezone)));
}

export async function modeCommand(req: Request): Promise<void> {
  const { chat, t, deps } = req;
  const parsed = parseModeArg(req.args);
  if (!parsed.ok) return reply(req, t.modeBad(clip(cleanArg(req.args), 40)));
  if (parsed.value.kind === 'show') return reply(req, t.modeShow(chat.mode, chat.digestAt));
  if (!(await requireManager(req))) return;
  const updated = await deps.chats.update(chat.id, { mode: parsed.value.mode });
  return reply(req, t.modeSet(updated.mode, updated.digestAt, updated.timezone));
}

export async function listCommand(req: Request): Promise<void> {
  const { chat, t, deps } = req;
  const [subscriptions, sources] = await Promise.all([deps.chats.subscriptions(chat.id), deps.sources.list()]);
  const view: ListView = {
    subscriptions: labelSubscriptions(subscriptions, sources, deps.directory),
    mode: chat.mode,
    digestAt: chat.digestAt,
    timezone: chat.timezone,
    lang: chat.lang,
  };
  return reply(req, joinWithin(t.list(view)));
}

/** What /list and the unsubscribe buttons show for each subscription: a source's name, a
 * company's name (the value is its code), or the keyword itself. */
export function labelSubscriptions(
  subscriptions: readonly Subscription[],
  sources: readonly Source[],
  directory: CompanyLookup,
): { kind: Subscription['kind']; value: string; label: string }[] {
  const sourceNames = new Map(sources.map((s) => [s.id, s.name]));
  return subscriptions.map((s) => {
    const label =
      s.kind === 'source' ? sourceNames.get(s.value) : s.kind === 'company' ? directory.lookup(s.value)?.name : undefined;
    return { kind: s.kind, value: s.value, label: label ?? s.value };
  });
}
