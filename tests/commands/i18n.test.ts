import { describe, expect, it } from 'vitest';
import { langFromCode, messages, type Messages } from '../../src/i18n.ts';
import { parseTelegramHtml } from '../fakes/telegram-api.ts';

const H = '<b>&"AT&T" </i><script>';

type MessageFunctions = { [K in keyof Messages as Messages[K] extends (...args: never[]) => unknown ? K : never]: (t: Messages) => (string | string[])[] };

/** Every message, called with hostile text wherever it takes text (the type makes the table complete). */
const CALLS: MessageFunctions = {
  start: (t) => [t.start(H), t.start(undefined)],
  help: (t) => [t.help(true), t.help(false)],
  unknownCommand: (t) => [t.unknownCommand(H)],
  notACommand: (t) => [t.notACommand()],
  apology: (t) => [t.apology()],
  adminsOnly: (t) => [t.adminsOnly()],
  operatorsOnly: (t) => [t.operatorsOnly()],
  expiredButton: (t) => [t.expiredButton()],
  kind: (t) => [t.kind('source'), t.kind('company'), t.kind('keyword')],
  mode: (t) => [t.mode('instant'), t.mode('digest')],
  subscribeMenu: (t) => [t.subscribeMenu(true), t.subscribeMenu(false)],
  subscribed: (t) => [t.subscribed('keyword', H), t.subscribed('company', H)],
  alreadySubscribed: (t) => [t.alreadySubscribed('source', H)],
  unsubscribeMenu: (t) => [t.unsubscribeMenu()],
  unsubscribed: (t) => [t.unsubscribed('keyword', H)],
  notSubscribed: (t) => [t.notSubscribed(H)],
  noSubscriptions: (t) => [t.noSubscriptions()],
  unknownSource: (t) => [t.unknownSource(H)],
  unknownCompany: (t) => [t.unknownCompany(H)],
  chooseCompany: (t) => [t.chooseCompany(H)],
  keywordTooLong: (t) => [t.keywordTooLong(40)],
  keywordEmpty: (t) => [t.keywordEmpty()],
  subscribeButton: () => [], // a button label: plain text, never parsed as HTML
  list: (t) => [
    t.list({ subscriptions: [{ kind: 'keyword', label: H, value: H }, { kind: 'company', label: '贵州茅台', value: '600519.SH' }], mode: 'digest', digestAt: null, timezone: H, lang: 'zh' }),
    t.list({ subscriptions: [], mode: 'instant', digestAt: '08:00', timezone: 'UTC', lang: 'en' }),
  ],
  searchUsage: (t) => [t.searchUsage()],
  searchTruncated: (t) => [t.searchTruncated(100)],
  searchNone: (t) => [t.searchNone(H)],
  searchHeader: (t) => [t.searchHeader(H, 1, 1, 1), t.searchHeader(H, 12, 2, 3)],
  searchExpired: (t) => [t.searchExpired()],
  searchFailed: (t) => [t.searchFailed()],
  previous: () => [],
  next: () => [],
  companyUsage: (t) => [t.companyUsage()],
  companyNotFound: (t) => [t.companyNotFound(H)],
  companyChoose: (t) => [t.companyChoose(H)],
  companyAliases: (t) => [t.companyAliases(H)],
  companyFigures: (t) => [t.companyFigures()],
  companyNoFigures: (t) => [t.companyNoFigures()],
  companyPosts: (t) => [t.companyPosts()],
  companyNoPosts: (t) => [t.companyNoPosts()],
  digestShow: (t) => [t.digestShow('08:00', H, 'instant'), t.digestShow(null, H, 'digest')],
  digestSet: (t) => [t.digestSet('08:00', H, 'instant'), t.digestSet('08:00', H, 'digest')],
  digestOff: (t) => [t.digestOff('instant'), t.digestOff('digest')],
  digestBadTime: (t) => [t.digestBadTime(H)],
  digestQueued: (t) => [t.digestQueued(1), t.digestQueued(5)],
  timezoneShow: (t) => [t.timezoneShow(H, H)],
  timezoneSet: (t) => [t.timezoneSet(H, H)],
  timezoneBad: (t) => [t.timezoneBad(H)],
  modeShow: (t) => [t.modeShow('digest', '08:00'), t.modeShow('instant', null)],
  modeSet: (t) => [t.modeSet('instant', null, H), t.modeSet('digest', '08:00', H), t.modeSet('digest', null, H)],
  modeBad: (t) => [t.modeBad(H)],
  sourcesList: (t) => [t.sourcesList([{ id: H, name: H, kind: 'rss', url: H, enabled: false }]), t.sourcesList([])],
  sourceAdded: (t) => [t.sourceAdded(H, H, H)],
  sourceRemoved: (t) => [t.sourceRemoved(H, H)],
  addSourceUsage: (t) => [t.addSourceUsage()],
  removeSourceUsage: (t) => [t.removeSourceUsage()],
  operatorFailed: (t) => [t.operatorFailed(H)],
};

function allTexts(t: Messages): string[] {
  return Object.values(CALLS).flatMap((call) => call(t).flat());
}

describe('i18n', () => {
  it.each([
    ['zh', 'zh'],
    ['zh-hans', 'zh'],
    ['zh-CN', 'zh'],
    ['ZH-TW', 'zh'],
    ['en', 'en'],
    ['ru', 'en'],
    [undefined, undefined],
    ['', undefined],
  ])('language_code %j → %j', (code, lang) => {
    expect(langFromCode(code)).toBe(lang);
  });

  it.each(['zh', 'en'] as const)('every %s message is valid Telegram HTML with hostile input escaped', (lang) => {
    const texts = allTexts(messages(lang));
    expect(texts.length).toBeGreaterThan(60);
    for (const text of texts) {
      const parsed = parseTelegramHtml(text);
      expect(parsed, text).toMatchObject({ ok: true });
      if (text.includes('AT&amp;T')) expect(parsed.ok && parsed.plainText).toContain(H);
    }
  });

  it('has the same messages and commands in both languages', () => {
    expect(Object.keys(messages('zh')).sort()).toEqual(Object.keys(messages('en')).sort());
    expect(messages('zh').commands.map((c) => c.command)).toEqual(messages('en').commands.map((c) => c.command));
    for (const c of [...messages('zh').commands, ...messages('en').commands]) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
  });

  it('answers in the language asked', () => {
    expect(messages('zh').searchExpired()).toContain('/search');
    expect(messages('zh').searchExpired()).toMatch(/[\u4e00-\u9fff]/);
    expect(messages('en').searchExpired()).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
