// Every sentence the bot says, in Chinese and English. Each message is a function returning
// Telegram HTML; whatever it interpolates is escaped here, so a caller can pass user text as is.
// The language is the user's Telegram `language_code`: zh* → Chinese, anything else → English.

import type { DeliveryMode, Lang, SubscriptionKind } from './types.ts';
import { esc } from '../commands/html.ts';

export function langFromCode(languageCode: string | undefined | null): Lang | undefined {
  if (!languageCode) return undefined;
  return languageCode.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export interface CommandInfo {
  command: string;
  description: string;
}

export interface Messages {
  lang: Lang;
  /** For setMyCommands: what everyone may use. */
  commands: CommandInfo[];
  /** Listed in /help for operators only. */
  operatorCommands: CommandInfo[];
  start(firstName: string | undefined): string;
  help(isOperator: boolean): string;
  unknownCommand(name: string): string;
  notACommand(): string;
  apology(): string;
  adminsOnly(): string;
  operatorsOnly(): string;
  expiredButton(): string;
  kind(kind: SubscriptionKind): string;
  mode(mode: DeliveryMode): string;
  // subscriptions
  subscribeMenu(hasSources: boolean): string;
  subscribed(kind: SubscriptionKind, label: string): string;
  alreadySubscribed(kind: SubscriptionKind, label: string): string;
  unsubscribeMenu(): string;
  unsubscribed(kind: SubscriptionKind, label: string): string;
  notSubscribed(arg: string): string;
  noSubscriptions(): string;
  unknownSource(arg: string): string;
  unknownCompany(arg: string): string;
  chooseCompany(arg: string): string;
  keywordTooLong(max: number): string;
  keywordEmpty(): string;
  subscribeButton(label: string): string;
  /** One line per entry: the caller joins them within Telegram's limit. */
  list(view: ListView): string[];
  // search
  searchUsage(): string;
  searchTruncated(max: number): string;
  searchNone(query: string): string;
  searchHeader(query: string, total: number, page: number, pages: number): string;
  searchExpired(): string;
  searchFailed(): string;
  previous(): string;
  next(): string;
  // company
  companyUsage(): string;
  companyNotFound(query: string): string;
  companyChoose(query: string): string;
  companyAliases(aliases: string): string;
  companyFigures(): string;
  companyNoFigures(): string;
  companyPosts(): string;
  companyNoPosts(): string;
  // settings
  digestShow(at: string | null, zone: string, mode: DeliveryMode): string;
  digestSet(at: string, zone: string, mode: DeliveryMode): string;
  digestOff(mode: DeliveryMode): string;
  digestBadTime(arg: string): string;
  digestQueued(posts: number): string;
  timezoneShow(zone: string, now: string): string;
  timezoneSet(zone: string, now: string): string;
  timezoneBad(arg: string): string;
  modeShow(mode: DeliveryMode, at: string | null): string;
  modeSet(mode: DeliveryMode, at: string | null, zone: string): string;
  modeBad(arg: string): string;
  // operators
  /** One line per entry: the caller joins them within Telegram's limit. */
  sourcesList(sources: { id: string; name: string; kind: string; url: string; enabled: boolean }[]): string[];
  sourceAdded(id: string, name: string, url: string): string;
  sourceRemoved(id: string, name: string): string;
  addSourceUsage(): string;
  removeSourceUsage(): string;
  operatorFailed(message: string): string;
}

export interface ListView {
  subscriptions: { kind: SubscriptionKind; label: string; value: string }[];
  mode: DeliveryMode;
  digestAt: string | null;
  timezone: string;
  lang: Lang;
}

const b = (text: string) => `<b>${esc(text)}</b>`;
const code = (text: string) => `<code>${esc(text)}</code>`;

const zh: Messages = {
  lang: 'zh',
  commands: [
    { command: 'start', description: '开始使用财讯' },
    { command: 'help', description: '命令说明' },
    { command: 'subscribe', description: '订阅来源、公司或关键词' },
    { command: 'unsubscribe', description: '取消订阅' },
    { command: 'list', description: '查看订阅和设置' },
    { command: 'search', description: '搜索新闻' },
    { command: 'company', description: '公司卡片：财务数据与新闻' },
    { command: 'digest', description: '每日摘要时间：HH:MM、off 或 now' },
    { command: 'timezone', description: '设置时区，如 Asia/Shanghai' },
    { command: 'mode', description: '推送方式：instant 或 digest' },
  ],
  operatorCommands: [
    { command: 'sources', description: '列出新闻来源' },
    { command: 'addsource', description: '添加来源：/addsource <网址>' },
    { command: 'removesource', description: '删除来源：/removesource <id>' },
  ],
  start: (name) =>
    [
      `👋 ${name ? `${esc(name)}，` : ''}欢迎使用 ${b('财讯')}！`,
      '',
      '我会抓取东方财富、中证网、证券时报、IT之家、36氪、新浪财经等来源的公司新闻，去重后提取营收、净利润等核心数据，按你的订阅推送。',
      '',
      `开始：${code('/subscribe 贵州茅台')}、${code('/subscribe 新能源')} 或直接 /subscribe 选择来源。`,
      `默认每天 08:00（北京时间）推送摘要；用 /mode instant 改为即时推送。`,
      `搜索：${code('/search 宁德时代 营收')}；公司：${code('/company 600519')}。/help 查看全部命令。`,
    ].join('\n'),
  help: (isOperator) =>
    [
      b('财讯命令'),
      ...zh.commands.map((c) => `/${c.command} — ${esc(c.description)}`),
      ...(isOperator ? ['', b('管理员'), ...zh.operatorCommands.map((c) => `/${c.command} — ${esc(c.description)}`)] : []),
      '',
      `订阅参数可以是来源 id 或网址、公司名称/代码/简称，其余按关键词匹配；用 ${code('关键词:苹果')} 强制按关键词。`,
      '在群组中只有管理员可以更改订阅和设置，所有人都可以搜索。',
    ].join('\n'),
  unknownCommand: (name) => `未知命令 ${code('/' + name)}。发送 /help 查看可用命令。`,
  notACommand: () => `请发送命令，例如 ${code('/search 比亚迪')}；/help 查看全部命令。`,
  apology: () => '抱歉，处理这条命令时出错了，请稍后再试。',
  adminsOnly: () => '只有群管理员可以更改本群的订阅和设置。',
  operatorsOnly: () => '这个命令只对机器人管理员开放。',
  expiredButton: () => '这个按钮已失效，请重新发送命令。',
  kind: (kind) => ({ source: '来源', company: '公司', keyword: '关键词' })[kind],
  mode: (mode) => ({ instant: '即时推送', digest: '每日摘要' })[mode],
  subscribeMenu: (hasSources) =>
    `选择要订阅的${hasSources ? '来源或' : ''}公司，或发送 ${code('/subscribe <来源|公司|关键词>')}：`,
  subscribed: (kind, label) => `✅ 已订阅${zh.kind(kind)} ${b(label)}。`,
  alreadySubscribed: (kind, label) => `你已经订阅了${zh.kind(kind)} ${b(label)}。`,
  unsubscribeMenu: () => '选择要取消的订阅：',
  unsubscribed: (kind, label) => `已取消订阅${zh.kind(kind)} ${b(label)}。`,
  notSubscribed: (arg) => `没有找到订阅 ${b(arg)}。/list 查看当前订阅。`,
  noSubscriptions: () => `还没有订阅。试试 ${code('/subscribe 贵州茅台')}。`,
  unknownSource: (arg) => `没有这个来源：${b(arg)}。/subscribe 查看可选来源。`,
  unknownCompany: (arg) => `公司目录里没有 ${b(arg)}。可以按关键词订阅：${code('/subscribe 关键词:' + arg)}`,
  chooseCompany: (arg) => `${b(arg)} 对应多家公司，请选择：`,
  keywordTooLong: (max) => `关键词太长（最多 ${max} 个字）。`,
  keywordEmpty: () => '关键词需要包含文字或数字。',
  subscribeButton: (label) => `订阅 ${label}`,
  list: (view) =>
    [
      b('订阅'),
      ...(view.subscriptions.length
        ? view.subscriptions.map((s) => `• ${esc(zh.kind(s.kind))}：${esc(s.label)}${s.label !== s.value ? ` (${code(s.value)})` : ''}`)
        : ['（无）']),
      '',
      b('设置'),
      `推送方式：${esc(zh.mode(view.mode))}`,
      `摘要时间：${view.digestAt ? esc(view.digestAt) : '关闭'}`,
      `时区：${esc(view.timezone)}`,
      `语言：${view.lang === 'zh' ? '中文' : 'English'}`,
    ],
  searchUsage: () => `用法：${code('/search 关键词')}，例如 ${code('/search 宁德时代 营收')}。多个词同时匹配。`,
  searchTruncated: (max) => `（搜索词太长，只使用前 ${max} 个字）`,
  searchNone: (query) => `没有找到与 ${b(query)} 相关的新闻。`,
  searchHeader: (query, total, page, pages) => `🔎 ${b(query)}：共 ${total} 条${pages > 1 ? `，第 ${page}/${pages} 页` : ''}`,
  searchExpired: () => '这次搜索已过期，请重新发送 /search。',
  searchFailed: () => '搜索暂时不可用，请稍后再试。',
  previous: () => '◀ 上一页',
  next: () => '下一页 ▶',
  companyUsage: () => `用法：${code('/company 公司名称或代码')}，例如 ${code('/company 600519')}。`,
  companyNotFound: (query) => `没有找到公司 ${b(query)}。`,
  companyChoose: (query) => `${b(query)} 对应多家公司，请选择：`,
  companyAliases: (aliases) => `别名：${esc(aliases)}`,
  companyFigures: () => b('最新财务数据'),
  companyNoFigures: () => '暂无财务数据。',
  companyPosts: () => b('近期新闻'),
  companyNoPosts: () => '暂无相关新闻。',
  digestShow: (at, zone, mode) =>
    at
      ? `每日摘要时间：${b(at)}（${esc(zone)}）。${mode === 'instant' ? '当前为即时推送，/mode digest 改为摘要。' : ''}\n修改：${code('/digest 08:00')}、${code('/digest off')}、${code('/digest now')}`
      : `每日摘要已关闭。开启：${code('/digest 08:00')}`,
  digestSet: (at, zone, mode) =>
    `✅ 每日摘要时间设为 ${b(at)}（${esc(zone)}）。${mode === 'instant' ? '\n注意：当前为即时推送，发送 /mode digest 改为每日摘要。' : ''}`,
  digestOff: (mode) => `每日摘要已关闭。${mode === 'digest' ? '\n注意：在摘要模式下关闭后将不会收到推送；/mode instant 改为即时推送。' : ''}`,
  digestBadTime: (arg) => `无法识别时间 ${b(arg)}。请用 24 小时制 HH:MM（00:00–23:59），或 off、now。`,
  digestQueued: (posts) => `📰 正在发送摘要（${posts} 条）。`,
  timezoneShow: (zone, now) => `当前时区：${b(zone)}（现在 ${esc(now)}）。修改：${code('/timezone Asia/Shanghai')}`,
  timezoneSet: (zone, now) => `✅ 时区设为 ${b(zone)}（现在 ${esc(now)}）。`,
  timezoneBad: (arg) =>
    `无法识别时区 ${b(arg)}。请使用 IANA 时区名，例如 ${code('Asia/Shanghai')}、${code('Asia/Hong_Kong')}、${code('America/New_York')}，或 ${code('UTC+8')}。`,
  modeShow: (mode, at) =>
    `当前推送方式：${b(zh.mode(mode))}${mode === 'digest' && at ? `（每天 ${esc(at)}）` : ''}。修改：${code('/mode instant')} 或 ${code('/mode digest')}`,
  modeSet: (mode, at, zone) =>
    mode === 'instant'
      ? `✅ 已改为${b('即时推送')}：新闻一到就发给你。`
      : at
        ? `✅ 已改为${b('每日摘要')}：每天 ${esc(at)}（${esc(zone)}）推送。`
        : `✅ 已改为${b('每日摘要')}。摘要时间目前关闭，用 ${code('/digest 08:00')} 设置。`,
  modeBad: (arg) => `无法识别 ${b(arg)}。请用 ${code('/mode instant')}（即时推送）或 ${code('/mode digest')}（每日摘要）。`,
  sourcesList: (sources) =>
    sources.length
      ? [b(`来源（${sources.length}）`), ...sources.map((s) => `${s.enabled ? '•' : '◦'} ${code(s.id)} ${esc(s.name)} [${esc(s.kind)}]${s.enabled ? '' : ' （已停用）'}\n  ${esc(s.url)}`)]
      : ['还没有来源。用 /addsource &lt;网址&gt; 添加。'],
  sourceAdded: (id, name, url) => `✅ 已添加来源 ${code(id)} ${esc(name)}\n${esc(url)}`,
  sourceRemoved: (id, name) => `已删除来源 ${code(id)} ${esc(name)}。`,
  addSourceUsage: () => `用法：${code('/addsource https://example.com/rss')}`,
  removeSourceUsage: () => `用法：${code('/removesource <id>')}；/sources 查看 id。`,
  operatorFailed: (message) => `❌ ${esc(message)}`,
};

const en: Messages = {
  lang: 'en',
  commands: [
    { command: 'start', description: 'What caixun does and how to begin' },
    { command: 'help', description: 'All commands' },
    { command: 'subscribe', description: 'Follow a source, company or keyword' },
    { command: 'unsubscribe', description: 'Stop following something' },
    { command: 'list', description: 'Your subscriptions and settings' },
    { command: 'search', description: 'Search the news' },
    { command: 'company', description: 'Company card: figures and news' },
    { command: 'digest', description: 'Daily digest time: HH:MM, off or now' },
    { command: 'timezone', description: 'Your time zone, e.g. Asia/Shanghai' },
    { command: 'mode', description: 'Delivery: instant or digest' },
  ],
  operatorCommands: [
    { command: 'sources', description: 'List news sources' },
    { command: 'addsource', description: 'Add a source: /addsource <url>' },
    { command: 'removesource', description: 'Remove a source: /removesource <id>' },
  ],
  start: (name) =>
    [
      `👋 ${name ? `Hi ${esc(name)}, welcome` : 'Welcome'} to ${b('caixun')} (财讯)!`,
      '',
      'I read Chinese company news (East Money, CS.com.cn, STCN, IT之家, 36Kr, Sina Finance …), drop duplicates, pull out the headline figures (revenue, net profit …) and send you what you follow.',
      '',
      `Begin with ${code('/subscribe 贵州茅台')}, ${code('/subscribe EV')} or just /subscribe to pick a source.`,
      'By default you get a daily digest at 08:00 Beijing time; /mode instant sends each story as it arrives.',
      `Search: ${code('/search 宁德时代 revenue')}; companies: ${code('/company BABA')}. /help lists every command.`,
    ].join('\n'),
  help: (isOperator) =>
    [
      b('caixun commands'),
      ...en.commands.map((c) => `/${c.command} — ${esc(c.description)}`),
      ...(isOperator ? ['', b('Operators'), ...en.operatorCommands.map((c) => `/${c.command} — ${esc(c.description)}`)] : []),
      '',
      `/subscribe takes a source id or URL, a company name, code or alias; anything else is a keyword (force one with ${code('keyword:Apple')}).`,
      'In groups only admins change subscriptions and settings; anyone may search.',
    ].join('\n'),
  unknownCommand: (name) => `I don't know ${code('/' + name)}. Send /help for the commands.`,
  notACommand: () => `Send a command, e.g. ${code('/search BYD')}; /help lists them all.`,
  apology: () => 'Sorry, something went wrong with that command. Please try again later.',
  adminsOnly: () => "Only this group's admins can change its subscriptions and settings.",
  operatorsOnly: () => "This command is for the bot's operators.",
  expiredButton: () => 'This button has expired; please send the command again.',
  kind: (kind) => kind,
  mode: (mode) => ({ instant: 'instant', digest: 'daily digest' })[mode],
  subscribeMenu: (hasSources) => `Pick a ${hasSources ? 'source or ' : ''}company, or send ${code('/subscribe <source|company|keyword>')}:`,
  subscribed: (kind, label) => `✅ Subscribed to ${kind} ${b(label)}.`,
  alreadySubscribed: (kind, label) => `You already follow ${kind} ${b(label)}.`,
  unsubscribeMenu: () => 'Pick a subscription to remove:',
  unsubscribed: (kind, label) => `Unsubscribed from ${kind} ${b(label)}.`,
  notSubscribed: (arg) => `You don't follow ${b(arg)}. /list shows what you follow.`,
  noSubscriptions: () => `You follow nothing yet. Try ${code('/subscribe 贵州茅台')}.`,
  unknownSource: (arg) => `No source ${b(arg)}. /subscribe lists the sources.`,
  unknownCompany: (arg) => `${b(arg)} is not in the company directory. Follow it as a keyword: ${code('/subscribe keyword:' + arg)}`,
  chooseCompany: (arg) => `${b(arg)} matches several companies; pick one:`,
  keywordTooLong: (max) => `That keyword is too long (at most ${max} characters).`,
  keywordEmpty: () => 'A keyword needs letters or digits.',
  subscribeButton: (label) => `Subscribe to ${label}`,
  list: (view) =>
    [
      b('Subscriptions'),
      ...(view.subscriptions.length
        ? view.subscriptions.map((s) => `• ${esc(s.kind)}: ${esc(s.label)}${s.label !== s.value ? ` (${code(s.value)})` : ''}`)
        : ['(none)']),
      '',
      b('Settings'),
      `Mode: ${esc(en.mode(view.mode))}`,
      `Digest time: ${view.digestAt ? esc(view.digestAt) : 'off'}`,
      `Time zone: ${esc(view.timezone)}`,
      `Language: ${view.lang === 'zh' ? '中文' : 'English'}`,
    ],
  searchUsage: () => `Usage: ${code('/search words')}, e.g. ${code('/search 宁德时代 营收')}. All words must match.`,
  searchTruncated: (max) => `(query too long: only its first ${max} characters were used)`,
  searchNone: (query) => `Nothing found for ${b(query)}.`,
  searchHeader: (query, total, page, pages) => `🔎 ${b(query)}: ${total} result${total === 1 ? '' : 's'}${pages > 1 ? `, page ${page}/${pages}` : ''}`,
  searchExpired: () => 'This search has expired; send /search again.',
  searchFailed: () => 'Search is unavailable right now; please try again later.',
  previous: () => '◀ Previous',
  next: () => 'Next ▶',
  companyUsage: () => `Usage: ${code('/company name or code')}, e.g. ${code('/company 600519')}.`,
  companyNotFound: (query) => `No company ${b(query)} found.`,
  companyChoose: (query) => `${b(query)} matches several companies; pick one:`,
  companyAliases: (aliases) => `Also: ${esc(aliases)}`,
  companyFigures: () => b('Latest figures'),
  companyNoFigures: () => 'No figures yet.',
  companyPosts: () => b('Recent news'),
  companyNoPosts: () => 'No recent news.',
  digestShow: (at, zone, mode) =>
    at
      ? `Daily digest at ${b(at)} (${esc(zone)}).${mode === 'instant' ? ' You are in instant mode; /mode digest switches to digests.' : ''}\nChange: ${code('/digest 08:00')}, ${code('/digest off')}, ${code('/digest now')}`
      : `Daily digest is off. Turn it on: ${code('/digest 08:00')}`,
  digestSet: (at, zone, mode) =>
    `✅ Daily digest at ${b(at)} (${esc(zone)}).${mode === 'instant' ? '\nNote: you are in instant mode; send /mode digest to get digests instead.' : ''}`,
  digestOff: (mode) => `Daily digest turned off.${mode === 'digest' ? '\nNote: in digest mode you will now get nothing; /mode instant sends each story.' : ''}`,
  digestBadTime: (arg) => `I can't read the time ${b(arg)}. Use 24-hour HH:MM (00:00–23:59), or off, or now.`,
  digestQueued: (posts) => `📰 Your digest (${posts} post${posts === 1 ? '' : 's'}) is on its way.`,
  timezoneShow: (zone, now) => `Time zone: ${b(zone)} (now ${esc(now)}). Change: ${code('/timezone Asia/Shanghai')}`,
  timezoneSet: (zone, now) => `✅ Time zone set to ${b(zone)} (now ${esc(now)}).`,
  timezoneBad: (arg) =>
    `Unknown time zone ${b(arg)}. Use an IANA name such as ${code('Asia/Shanghai')}, ${code('Asia/Hong_Kong')}, ${code('America/New_York')}, or ${code('UTC+8')}.`,
  modeShow: (mode, at) =>
    `Delivery: ${b(en.mode(mode))}${mode === 'digest' && at ? ` (daily at ${esc(at)})` : ''}. Change: ${code('/mode instant')} or ${code('/mode digest')}`,
  modeSet: (mode, at, zone) =>
    mode === 'instant'
      ? `✅ Switched to ${b('instant')}: each story is sent as it arrives.`
      : at
        ? `✅ Switched to ${b('daily digest')} at ${esc(at)} (${esc(zone)}).`
        : `✅ Switched to ${b('daily digest')}. The digest time is off; set one with ${code('/digest 08:00')}.`,
  modeBad: (arg) => `I can't read ${b(arg)}. Use ${code('/mode instant')} or ${code('/mode digest')}.`,
  sourcesList: (sources) =>
    sources.length
      ? [b(`Sources (${sources.length})`), ...sources.map((s) => `${s.enabled ? '•' : '◦'} ${code(s.id)} ${esc(s.name)} [${esc(s.kind)}]${s.enabled ? '' : ' (disabled)'}\n  ${esc(s.url)}`)]
      : ['No sources yet. Add one with /addsource &lt;url&gt;.'],
  sourceAdded: (id, name, url) => `✅ Added source ${code(id)} ${esc(name)}\n${esc(url)}`,
  sourceRemoved: (id, name) => `Removed source ${code(id)} ${esc(name)}.`,
  addSourceUsage: () => `Usage: ${code('/addsource https://example.com/rss')}`,
  removeSourceUsage: () => `Usage: ${code('/removesource <id>')}; /sources shows the ids.`,
  operatorFailed: (message) => `❌ ${esc(message)}`,
};

const CATALOGUE: Record<Lang, Messages> = { zh, en };

export function messages(lang: Lang): Messages {
  return CATALOGUE[lang];
}
