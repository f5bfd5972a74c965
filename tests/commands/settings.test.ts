import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, PRIVATE_USER } from './harness.ts';

const GROUP = -300400;

describe('/digest /timezone /mode /list', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
  });
  afterEach(async () => {
    await h.close();
  });

  it('sets, shows and turns off the digest time', async () => {
    await h.send('/digest 7:30');
    expect(h.lastText()).toContain('07:30');
    expect((await h.chats.get(PRIVATE_USER))?.digestAt).toBe('07:30');
    await h.send('/digest', { lang: 'en' });
    expect(h.lastText()).toContain('Daily digest at <b>07:30</b> (Asia/Shanghai)');
    await h.send('/digest off');
    expect((await h.chats.get(PRIVATE_USER))?.digestAt).toBeNull();
  });

  it('refuses /digest 25:99 with a clear message and changes nothing', async () => {
    await h.send('/digest 25:99', { lang: 'en' });
    expect(h.lastText()).toContain('25:99');
    expect(h.lastText()).toContain('HH:MM');
    expect((await h.chats.get(PRIVATE_USER))?.digestAt).toBe('08:00');
  });

  it('sends a digest now through the digest service', async () => {
    await h.send('/digest now', { lang: 'en' });
    expect(h.digests.asked).toEqual([PRIVATE_USER]);
    expect(h.lastText()).toContain('3 posts');
    h.digests.posts = 0;
    const before = h.texts().length;
    await h.send('/digest now');
    // The service sends its own "no news" notice; the command adds nothing.
    expect(h.texts()).toHaveLength(before);
  });

  it('sets a time zone, shows the local time there, and refuses Mars/Base', async () => {
    await h.send('/timezone America/New_York', { lang: 'en' });
    // The clock is 2024-06-01 02:00 UTC: 22:00 the day before in New York (EDT).
    expect(h.lastText()).toContain('America/New_York</b> (now 2024-05-31 22:00)');
    expect((await h.chats.get(PRIVATE_USER))?.timezone).toBe('America/New_York');
    await h.send('/timezone Mars/Base', { lang: 'en' });
    expect(h.lastText()).toContain('Unknown time zone <b>Mars/Base</b>');
    expect((await h.chats.get(PRIVATE_USER))?.timezone).toBe('America/New_York');
    await h.send('/timezone');
    expect(h.lastText()).toContain('America/New_York');
  });

  it('switches the delivery mode and refuses unknown modes', async () => {
    await h.send('/mode instant');
    expect((await h.chats.get(PRIVATE_USER))?.mode).toBe('instant');
    await h.send('/mode weekly', { lang: 'en' });
    expect(h.lastText()).toContain('/mode instant');
    await h.send('/mode digest', { lang: 'en' });
    expect(h.lastText()).toContain('daily digest</b> at 08:00 (Asia/Shanghai)');
  });

  it('lists subscriptions with their names and the settings', async () => {
    await h.send('/subscribe 茅台');
    await h.send('/subscribe ithome');
    await h.send('/subscribe <b>&');
    await h.send('/timezone Asia/Hong_Kong');
    await h.send('/list', { lang: 'en' });
    const text = h.lastText();
    expect(text).toContain('company: 贵州茅台 (<code>600519</code>)');
    expect(text).toContain('source: IT之家 (<code>ithome</code>)');
    expect(text).toContain('keyword: &lt;b&gt;&amp;');
    expect(text).toContain('Mode: daily digest');
    expect(text).toContain('Digest time: 08:00');
    expect(text).toContain('Time zone: Asia/Hong_Kong');
  });

  it('keeps a long subscription list within one message', async () => {
    for (let i = 0; i < 200; i++) await h.chats.subscribe(PRIVATE_USER, 'keyword', `关键词${i}-${'长'.repeat(30)}`);
    await h.send('/list');
    expect(h.lastText().length).toBeLessThanOrEqual(4096);
    expect(h.lastText()).toContain('…');
  });

  it('in a group, shows settings to anyone but lets only admins change them', async () => {
    await h.send('/mode instant', { chatId: GROUP, userId: 21, lang: 'en' });
    expect(h.lastText(GROUP)).toContain('admins');
    await h.send('/timezone UTC', { chatId: GROUP, userId: 21 });
    await h.send('/digest 09:00', { chatId: GROUP, userId: 21 });
    expect(await h.chats.get(GROUP)).toMatchObject({ mode: 'digest', timezone: 'Asia/Shanghai', digestAt: '08:00' });
    await h.send('/digest', { chatId: GROUP, userId: 21 });
    expect(h.lastText(GROUP)).toContain('08:00');
    expect(h.callsTo('getChatMember').map((c) => Number(c.user_id))).toEqual([21, 21, 21]);

    h.fake.setChatMember(GROUP, 22, 'administrator');
    await h.send('/mode instant', { chatId: GROUP, userId: 22 });
    expect((await h.chats.get(GROUP))?.mode).toBe('instant');
    h.fake.setChatMember(GROUP, 22, 'member');
    await h.send('/mode digest', { chatId: GROUP, userId: 22 });
    expect((await h.chats.get(GROUP))?.mode).toBe('instant');
  });

  it('lets the bot operator change any group without asking Telegram', async () => {
    await h.send('/mode instant', { chatId: GROUP, userId: 999 });
    expect((await h.chats.get(GROUP))?.mode).toBe('instant');
    expect(h.callsTo('getChatMember')).toEqual([]);
  });
});
