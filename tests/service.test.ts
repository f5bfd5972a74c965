// The whole service as a user runs it: sources on a loopback news site, the pipeline, delivery
// and the Telegram sender against the fake Bot API, time on a ManualClock.

import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { ChatStore } from '../storage/chats.ts';
import { startService, type Service } from '../src/service.ts';
import { FakeTelegramApi, FAKE_BOT_TOKEN } from './fakes/telegram-api.ts';
import { startNewsServer, type NewsServer } from './fakes/news-server.ts';
import { rss, startTestApp, type TestApp } from './helpers/app.ts';
import { until } from './delivery/helpers.ts';

let server: NewsServer;
let telegram: FakeTelegramApi | undefined;
let app: TestApp;
let service: Service | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await app?.close();
  await telegram?.close();
  telegram = undefined;
  await server?.close();
});

const story = (guid: string, title: string, date: string, body: string) => ({ guid, title, date, link: `https://news.example.cn/${guid}`, description: `<p>${body}</p>` });
const CATL = story('c1', '宁德时代前三季度净利润175.92亿元', '2024-06-01 09:30:00', '宁德时代（300750）前三季度营业收入2103.40亿元，同比增长186.72%；归母净利润175.92亿元，同比增长126.95%。');
const BYD = story('b1', '比亚迪5月销量33.18万辆', '2024-06-01 09:40:00', '比亚迪（002594）5月新能源汽车销量33.18万辆，同比增长38.13%。');

describe('caixun service', () => {
  it('sends an instant alert with headline figures to a subscribed chat, once, and nothing for a first poll backlog', async () => {
    server = await startNewsServer({ '/a': { body: rss([CATL]), headers: { 'content-type': 'text/xml' } }, '/b': { body: rss([]), headers: { 'content-type': 'text/xml' } } });
    app = await startTestApp([{ id: 'cs', url: server.url('/a') }, { id: 'stcn', url: server.url('/b') }], { start: '2024-06-01T02:00:00Z' });
    telegram = await FakeTelegramApi.start({ clock: app.clock });
    const deps = { ...app.deps, config: { ...app.deps.config, TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot } };
    service = await startService(deps, { autoStart: false });
    const chats = new ChatStore(app.deps.db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    await chats.ensure({ id: 42, type: 'private', lang: 'zh' }, app.clock.now());
    await chats.update(42, { mode: 'instant' });
    await chats.subscribe(42, 'company', '300750');
    await chats.subscribe(42, 'company', '002594');

    // First poll of each source: their backlog is stored but not pushed.
    await service.scheduler.tick();
    await service.sender.drainOnce();
    expect(telegram.messagesTo(42)).toHaveLength(0);

    // Later the second source brings a new story, and a syndicated copy of the first.
    server.setRoute('/b', { body: rss([BYD, { ...CATL, guid: 'copy-1', title: CATL.title + '_证券时报' }]), headers: { 'content-type': 'text/xml' } });
    await app.clock.advance(601_000);
    const reports = await service.scheduler.tick();
    expect(reports.find((r) => r.sourceId === 'stcn')).toMatchObject({ new: 2, duplicates: 1 });
    await service.sender.drainOnce();
    const sent = telegram.messagesTo(42);
    // Only the BYD story: the CATL item is a copy of a story caixun already had (cs's backlog), not news.
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain('比亚迪5月销量33.18万辆');
    expect(sent[0]?.text).toMatch(/33\.18万/);
    expect(sent[0]?.parseMode).toBe('HTML');
  });

  it('without a bot token, prints the messages it would send', async () => {
    server = await startNewsServer({ '/a': { body: rss([]), headers: { 'content-type': 'text/xml' } } });
    app = await startTestApp([{ id: 'cs', url: server.url('/a') }], { start: '2024-06-01T02:00:00Z' });
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    service = await startService(app.deps, { autoStart: false, dryRunOutput: out });
    expect(service.bot).toBeNull();
    const chats = new ChatStore(app.deps.db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    await chats.ensure({ id: 7, type: 'private', lang: 'zh' }, app.clock.now());
    await chats.update(7, { mode: 'instant' });
    await chats.subscribe(7, 'keyword', '宁德时代');
    await service.scheduler.tick(); // backlog: nothing
    server.setRoute('/a', { body: rss([CATL]), headers: { 'content-type': 'text/xml' } });
    await app.clock.advance(601_000);
    await service.scheduler.tick();
    await service.sender.drainOnce();
    await until(() => printed.includes('宁德时代'), 'the dry-run message');
    expect(printed).toMatch(/7/);
  });

  it('builds the daily digest at the chat hour, grouped by company with figures', async () => {
    server = await startNewsServer({ '/a': { body: rss([]), headers: { 'content-type': 'text/xml' } } });
    app = await startTestApp([{ id: 'cs', url: server.url('/a') }], { start: '2024-05-31T20:00:00Z' }); // 04:00 Beijing
    telegram = await FakeTelegramApi.start({ clock: app.clock });
    const deps = { ...app.deps, config: { ...app.deps.config, TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot } };
    service = await startService(deps, { autoStart: false });
    const chats = new ChatStore(app.deps.db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    await chats.ensure({ id: 9, type: 'private', lang: 'zh' }, app.clock.now());
    await chats.subscribe(9, 'company', '300750');
    await service.scheduler.tick();
    server.setRoute('/a', { body: rss([{ ...CATL, date: '2024-06-01 06:30:00' }]), headers: { 'content-type': 'text/xml' } });
    await app.clock.advance(3 * 3600_000); // 07:00 Beijing
    await service.scheduler.tick();
    expect(await service.digests.tick()).toBe(0); // not 08:00 yet
    await app.clock.advance(3600_000); // 08:00 Beijing
    expect(await service.digests.tick()).toBe(1);
    expect(await service.digests.tick()).toBe(0); // never twice
    await service.sender.drainOnce();
    const digest = telegram.messagesTo(9).map((m) => m.text).join('\n');
    expect(digest).toContain('宁德时代');
    expect(digest).toMatch(/175\.92亿/);
  });
});
