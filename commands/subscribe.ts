// /subscribe and /unsubscribe, typed or through inline buttons. A button carries what it
// subscribes to (or a hash of the subscription it removes) and is checked again when pressed:
// a source since removed, a company the directory no longer knows or a subscription already
// gone gets a polite "expired", never an action on forged data.

import type { InlineKeyboardButton } from 'telegraf/types';
import type { Source, SubscriptionKind } from '../src/types.ts';
import { cleanArg, companyKey, findSubscription, MAX_KEYWORD_CHARS, parseSubscribeArg, type CompanyInfo, type SubscriptionTarget } from './args.ts';
import { encodeCallback, subscriptionHash } from './callback-data.ts';
import { clip } from './html.ts';
import { editReply, plain, reply, requireManager, rows, type Keyboard, type Request } from './common.ts';
import { labelSubscriptions } from './settings.ts';

/** Companies offered in the /subscribe menu before any chat has subscribed to one (only those
 * the directory knows are shown). */
const WELL_KNOWN_COMPANIES = ['贵州茅台', '腾讯控股', '阿里巴巴', '宁德时代', '比亚迪', '小米集团', '中国平安', '招商银行'];
const MENU_SOURCES = 12;
const MENU_COMPANIES = 8;
const MAX_UNSUBSCRIBE_BUTTONS = 60;

export async function subscribeCommand(req: Request): Promise<void> {
  const { t, deps } = req;
  const sources = await deps.sources.list();
  const parsed = parseSubscribeArg(req.args, { sources, directory: deps.directory });
  const arg = clip(cleanArg(req.args), 60);
  if (!parsed.ok) {
    switch (parsed.error) {
      case 'unknown-source':
        return reply(req, t.unknownSource(arg));
      case 'unknown-company':
        return reply(req, t.unknownCompany(arg.replace(/^[^:：]*[:：]\s*/, '')));
      case 'keyword-too-long':
        return reply(req, t.keywordTooLong(MAX_KEYWORD_CHARS));
      case 'keyword-empty':
        return reply(req, t.keywordEmpty());
    }
  }
  const value = parsed.value;
  if (value.kind === 'menu') {
    const menu = await subscribeMenu(req, sources);
    return reply(req, t.subscribeMenu(menu.hasSources), menu.keyboard);
  }
  if (value.kind === 'choose') return reply(req, t.chooseCompany(arg), companyChoices(value.companies));
  if (!(await requireManager(req))) return;
  await subscribeTo(req, value.target);
}

async function subscribeTo(req: Request, target: SubscriptionTarget): Promise<void> {
  const added = await req.deps.chats.subscribe(req.chat.id, target.kind, target.value);
  const text = added ? req.t.subscribed(target.kind, target.label) : req.t.alreadySubscribed(target.kind, target.label);
  if (req.ctx.callbackQuery) await req.ctx.answerCbQuery(plain(text));
  await reply(req, text);
}

/** Buttons for the enabled sources, then the companies most chats follow (or well-known ones). */
async function subscribeMenu(req: Request, sources: readonly Source[]): Promise<{ keyboard: Keyboard; hasSources: boolean }> {
  const { deps } = req;
  const sourceButtons = sources
    .filter((s) => s.enabled)
    .slice(0, MENU_SOURCES)
    .flatMap((s) => button(clip(s.name, 24), encodeCallback({ type: 'subscribe', kind: 'source', value: s.id })));
  const popular = (await deps.chats.popular('company', MENU_COMPANIES)).map((p) => p.value);
  const seen = new Set<string>();
  const companies: CompanyInfo[] = [];
  for (const key of [...popular, ...WELL_KNOWN_COMPANIES]) {
    const company = deps.directory.lookup(key);
    if (!company || seen.has(company.id)) continue;
    seen.add(company.id);
    companies.push(company);
    if (companies.length >= MENU_COMPANIES) break;
  }
  const companyButtons = companies.flatMap((c) => button(`🏢 ${clip(c.shortName || c.name, 20)}`, encodeCallback({ type: 'subscribe', kind: 'company', value: companyKey(c) })));
  return { keyboard: [...rows(sourceButtons, 2), ...rows(companyButtons, 2)], hasSources: sourceButtons.length > 0 };
}

export function companyChoices(companies: readonly CompanyInfo[], action: 'subscribe' | 'card' = 'subscribe'): Keyboard {
  const buttons = companies.slice(0, 8).flatMap((c) => {
    const label = `${clip(c.name, 20)}${c.codes[0] ? ` ${c.codes[0]}` : ''}`;
    const data =
      action === 'subscribe' ? encodeCallback({ type: 'subscribe', kind: 'company', value: companyKey(c) }) : encodeCallback({ type: 'company', key: companyKey(c) });
    return button(label, data);
  });
  return rows(buttons, 1);
}

function button(text: string, data: string | undefined): InlineKeyboardButton[] {
  // A value too long for 64 bytes gets no button: the user can still type the command.
  return data ? [{ text, callback_data: data }] : [];
}

/** A subscribe button pressed: the value is checked against today's sources and directory. */
export async function subscribeButton(req: Request, kind: SubscriptionKind, value: string): Promise<void> {
  const { deps, t } = req;
  let target: SubscriptionTarget | undefined;
  if (kind === 'source') {
    const source = (await deps.sources.list()).find((s) => s.id === value);
    if (source) target = { kind, value: source.id, label: source.name };
  } else if (kind === 'company') {
    const company = deps.directory.lookup(value);
    if (company) target = { kind, value: companyKey(company), label: company.name };
  } else if (Array.from(value).length <= MAX_KEYWORD_CHARS && /[\p{L}\p{N}]/u.test(value)) {
    target = { kind, value, label: value };
  }
  if (!target) {
    await req.ctx.answerCbQuery(plain(t.expiredButton()), { show_alert: true });
    return;
  }
  if (!(await requireManager(req))) return;
  await subscribeTo(req, target);
}

export async function unsubscribeCommand(req: Request): Promise<void> {
  const { t, deps, chat } = req;
  const subscriptions = await deps.chats.subscriptions(chat.id);
  if (cleanArg(req.args) === '') {
    if (!subscriptions.length) return reply(req, t.noSubscriptions());
    return reply(req, t.unsubscribeMenu(), await unsubscribeKeyboard(req));
  }
  const sources = await deps.sources.list();
  const parsed = parseSubscribeArg(req.args, { sources, directory: deps.directory });
  const arg = cleanArg(req.args);
  const target = parsed.ok && parsed.value.kind === 'target' ? parsed.value.target : { kind: 'keyword' as const, value: arg };
  const found = findSubscription(subscriptions, target);
  if (!found) return reply(req, t.notSubscribed(clip(arg, 60)));
  if (!(await requireManager(req))) return;
  await deps.chats.unsubscribe(chat.id, found.kind, found.value);
  const [labelled] = labelSubscriptions([found], sources, deps.directory);
  return reply(req, t.unsubscribed(found.kind, labelled?.label ?? found.value));
}

async function unsubscribeKeyboard(req: Request): Promise<Keyboard> {
  const { deps, chat } = req;
  const [subscriptions, sources] = await Promise.all([deps.chats.subscriptions(chat.id), deps.sources.list()]);
  const buttons = labelSubscriptions(subscriptions, sources, deps.directory)
    .slice(0, MAX_UNSUBSCRIBE_BUTTONS)
    .flatMap((s) => button(`✖ ${req.t.kind(s.kind)}: ${clip(s.label, 28)}`, encodeCallback({ type: 'unsubscribe', hash: subscriptionHash(s.kind, s.value) })));
  return rows(buttons, 1);
}

/** An unsubscribe button pressed: removes the subscription it names, then redraws the menu
 * without it. A button whose subscription is already gone says so. */
export async function unsubscribeButton(req: Request, hash: string): Promise<void> {
  const { deps, chat, t } = req;
  const subscriptions = await deps.chats.subscriptions(chat.id);
  const found = subscriptions.find((s) => subscriptionHash(s.kind, s.value) === hash);
  if (!found) {
    await req.ctx.answerCbQuery(plain(t.expiredButton()), { show_alert: true });
    return;
  }
  if (!(await requireManager(req))) return;
  await deps.chats.unsubscribe(chat.id, found.kind, found.value);
  const [labelled] = labelSubscriptions([found], await deps.sources.list(), deps.directory);
  await req.ctx.answerCbQuery(plain(t.unsubscribed(found.kind, labelled?.label ?? found.value)));
  const keyboard = await unsubscribeKeyboard(req);
  await editReply(req, keyboard.length ? t.unsubscribeMenu() : t.noSubscriptions(), keyboard);
}
