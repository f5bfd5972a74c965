import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, PRIVATE_USER } from './harness.ts';
import { routePosts } from '../../src/delivery/router.ts';

const GROUP = -200300;

describe('/subscribe and /unsubscribe', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
  });
  afterEach(async () => {
    await h.close();
  });

  it('resolves a source, a company (stored by code) and a keyword', async () => {
    await h.send('/subscribe ithome');
    expect(h.lastText()).toContain('IT之家');
    await h.send('/subscribe 茅台');
    expect(h.lastText()).toContain('贵州茅台');
    await h.send('/subscribe https://news.cnstock.com/rss');
    await h.send('/subscribe 固态电池');
    expect(h.lastText()).toContain('关键词');
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([
      { chatId: PRIVATE_USER, kind: 'company', value: '600519' },
      { chatId: PRIVATE_USER, kind: 'keyword', value: '固态电池' },
      { chatId: PRIVATE_USER, kind: 'source', value: 'cnstock' },
      { chatId: PRIVATE_USER, kind: 'source', value: 'ithome' },
    ]);
    await h.send('/subscribe 600519');
    expect(h.lastText()).toContain('已经订阅');
  });

  it('stores a company the way posts carry it, so the router delivers its posts', async () => {
    await h.send('/subscribe 贵州茅台');
    await h.send('/subscribe 宁德时代', { chatId: 77, userId: 77 });
    await h.addPosts([{ title: '茅台公告', published: '2024-05-31T00:00:00Z', extraction: { companies: [{ name: '贵州茅台', code: '600519' }], figures: [] } }]);
    const posts = await h.posts.byCompany(['600519']);
    const routed = routePosts(posts, await h.chats.activeSubscribers());
    expect([...routed.keys()]).toEqual([PRIVATE_USER]);
  });

  it('explains bad arguments', async () => {
    await h.send('/subscribe source:nope', { lang: 'en' });
    expect(h.lastText()).toContain('No source');
    await h.send(`/subscribe ${'长'.repeat(300)}`, { lang: 'en' });
    expect(h.lastText()).toContain('too long');
    await h.send('/subscribe company:无此公司', { lang: 'en' });
    expect(h.lastText()).toContain('keyword:无此公司');
    await h.send('/subscribe company:中国', { lang: 'en' });
    expect(h.lastText()).toContain('several companies');
    expect(h.lastButtons().map((b) => b.text).sort()).toEqual(['中国平安 601318.SH', '中国银行 601988.SH']);
    await h.press(h.lastButtons().find((b) => b.text.startsWith('中国银行'))!.callback_data);
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([{ chatId: PRIVATE_USER, kind: 'company', value: '601988' }]);
    await h.send('/unsubscribe 中行');
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([]);
  });

  it('offers buttons for sources and companies, each within 64 bytes, and subscribes on a press', async () => {
    await h.send('/subscribe');
    const buttons = h.lastButtons();
    expect(buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['IT之家', '中国证券网', '🏢 茅台', '🏢 宁德时代']));
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    await h.press(buttons.find((b) => b.text === '🏢 宁德时代')!.callback_data);
    expect(h.fake.callbackAnswers.at(-1)?.text).toContain('宁德时代');
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([{ chatId: PRIVATE_USER, kind: 'company', value: '300750' }]);
  });

  it('lists popular companies first in the menu', async () => {
    await h.send('/subscribe 平安银行', { chatId: 1 , userId: 1 });
    await h.send('/subscribe 平安银行', { chatId: 2, userId: 2 });
    await h.send('/subscribe');
    const companies = h.lastButtons().filter((b) => b.text.startsWith('🏢'));
    expect(companies[0]?.text).toBe('🏢 平安银行');
  });

  it('removes a subscription by button, redraws the menu, and calls a second press expired', async () => {
    await h.send('/subscribe 茅台');
    await h.send('/subscribe AI');
    await h.send('/unsubscribe');
    const buttons = h.lastButtons();
    expect(buttons.map((b) => b.text)).toEqual(['✖ 公司: 贵州茅台', '✖ 关键词: AI']);
    const menuId = h.fake.messagesTo(PRIVATE_USER).at(-1)!.messageId;
    await h.press(buttons[1]!.callback_data, { messageId: menuId });
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([{ chatId: PRIVATE_USER, kind: 'company', value: '600519' }]);
    const edited = h.fake.messages.at(-1)!;
    expect(edited.method).toBe('editMessageText');
    expect(JSON.stringify(edited.replyMarkup)).not.toContain('AI');
    await h.press(buttons[1]!.callback_data, { messageId: menuId });
    expect(h.fake.callbackAnswers.at(-1)).toMatchObject({ show_alert: true });
    expect(String(h.fake.callbackAnswers.at(-1)?.text)).toContain('失效');
  });

  it('removes by name, code or keyword in any case, and says when there is nothing to remove', async () => {
    await h.send('/subscribe 茅台');
    await h.send('/subscribe Tesla');
    await h.send('/unsubscribe 600519');
    await h.send('/unsubscribe tesla');
    expect(await h.chats.subscriptions(PRIVATE_USER)).toEqual([]);
    await h.send('/unsubscribe tesla', { lang: 'en' });
    expect(h.lastText()).toContain("don't follow");
    await h.send('/unsubscribe', { lang: 'en' });
    expect(h.lastText()).toContain('follow nothing');
  });

  it('lets only group admins change subscriptions, by command or button', async () => {
    await h.send('/subscribe 茅台', { chatId: GROUP, userId: 11 });
    expect(h.lastText(GROUP)).toContain('管理员');
    await h.send('/subscribe', { chatId: GROUP, userId: 11 });
    await h.press(h.lastButtons(GROUP)[0]!.callback_data, { chatId: GROUP, userId: 11 });
    expect(h.fake.callbackAnswers.at(-1)).toMatchObject({ show_alert: true });
    expect(await h.chats.subscriptions(GROUP)).toEqual([]);

    h.fake.setChatMember(GROUP, 12, 'creator');
    await h.send('/subscribe 茅台', { chatId: GROUP, userId: 12 });
    expect(await h.chats.subscriptions(GROUP)).toHaveLength(1);
    await h.send('/subscribe 宁德时代', { chatId: GROUP, userId: 1087968824, senderChatId: GROUP });
    expect(await h.chats.subscriptions(GROUP)).toHaveLength(2);
    await h.send('/unsubscribe 茅台', { chatId: GROUP, userId: 11 });
    expect(await h.chats.subscriptions(GROUP)).toHaveLength(2);
  });
});
