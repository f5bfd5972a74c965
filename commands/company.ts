// /company: a card with the company's name, codes and aliases, its latest headline figures by
// period, its recent posts, and a Subscribe button. An ambiguous name offers buttons to choose.

import type { Lang, Post } from '../src/types.ts';
import type { Messages } from '../src/i18n.ts';
import { headlineFigures, periodEnd } from '../src/figures/headline.ts';
import { formatHeadline } from '../src/figures/format.ts';
import { bareCode } from '../src/figures/directory.ts';
import { cleanArg, companyKey, type CompanyInfo } from './args.ts';
import { encodeCallback } from './callback-data.ts';
import { clip, esc, joinWithin, link, localTime } from './html.ts';
import { plain, reply, type Keyboard, type Request, type StoredFigure } from './common.ts';
import { companyChoices } from './subscribe.ts';
import { sameSubject } from '../src/figures/subject.ts';

const FIGURE_PERIODS = 3;
const FIGURES_PER_PERIOD = 4;
const RECENT_POSTS = 5;

/** Every spelling a post may have stored the company under: codes as the directory writes them
 * (`600519.SH`) and bare (`600519`), names and aliases. */
export function companyKeys(company: CompanyInfo): string[] {
  const keys = new Set<string>();
  for (const code of company.codes) {
    keys.add(code);
    keys.add(bareCode(code));
  }
  for (const name of [company.name, company.shortName, ...company.aliases]) if (name) keys.add(name);
  return [...keys].slice(0, 32);
}

export interface CompanyCardInput {
  company: CompanyInfo;
  figures: readonly StoredFigure[];
  posts: readonly Post[];
  sourceNames: ReadonlyMap<string, string>;
  timezone: string;
  t: Messages;
}

/** The card's text (pure). */
export function buildCompanyCard(input: CompanyCardInput): string {
  const { company, t } = input;
  const header = [`🏢 <b>${esc(company.name)}</b>`, ...(company.codes.length ? [esc(company.codes.join(' / '))] : []), ...(company.exchange ? [esc(company.exchange)] : [])];
  const shown = new Set([company.name, ...company.codes]);
  const aliases = [company.shortName, ...company.aliases].filter((a, i, all) => a && !shown.has(a) && all.indexOf(a) === i).slice(0, 10);
  const lines = [header.join(' · ')];
  if (aliases.length) lines.push(t.companyAliases(aliases.join('、')));

  lines.push('', t.companyFigures());
  const periods = figuresByPeriod(input.figures, company.name, t.lang);
  lines.push(...(periods.length ? periods.map((line) => `📊 ${esc(line)}`) : [t.companyNoFigures()]));

  lines.push('', t.companyPosts());
  if (!input.posts.length) lines.push(t.companyNoPosts());
  for (const post of input.posts.slice(0, RECENT_POSTS)) {
    const source = input.sourceNames.get(post.sourceId) ?? post.sourceId;
    lines.push(`• ${link(post.link, esc(clip(post.title || '—', 100)))} <i>${esc(clip(source, 30))} · ${esc(localTime(post.published, input.timezone))}</i>`);
  }
  return joinWithin(lines);
}

/** One line per period, latest period first: `2024Q1 · 营收 1.2亿元（同比 +5%）· 净利润 …`. Within a
 * period the newest report of a metric wins. */
export function figuresByPeriod(figures: readonly StoredFigure[], company: string, lang: Lang): string[] {
  const groups = new Map<string, StoredFigure[]>();
  for (const figure of figures) {
    if (!figure.period) continue;
    const list = groups.get(figure.period) ?? [];
    list.push(figure);
    groups.set(figure.period, list);
  }
  const newest = (list: StoredFigure[]) => Math.max(...list.map((f) => f.published.getTime()));
  return [...groups.entries()]
    .sort(([a, la], [b, lb]) => periodEnd(b) - periodEnd(a) || newest(lb) - newest(la) || a.localeCompare(b))
    .slice(0, FIGURE_PERIODS)
    .map(([period, list]) => {
      const byRecency = [...list].sort((a, b) => b.published.getTime() - a.published.getTime());
      const chosen = headlineFigures(byRecency, { max: FIGURES_PER_PERIOD, company });
      const about = (subject: string | null) => sameSubject(subject, company);
      return formatHeadline(
        period,
        chosen.map((f) => ({ ...f, period: null, subject: about(f.subject) ? null : f.subject })),
        lang,
      );
    });
}

async function sendCard(req: Request, company: CompanyInfo, known: boolean): Promise<void> {
  const { deps } = req;
  const keys = known ? companyKeys(company) : [company.name];
  const [figures, posts, sources] = await Promise.all([
    known ? deps.posts.figures({ companies: keys, limit: 200 }) : Promise.resolve([]),
    deps.posts.byCompany(keys, { limit: RECENT_POSTS }),
    deps.sources.list(),
  ]);
  const html = buildCompanyCard({
    company,
    figures,
    posts,
    sourceNames: new Map(sources.map((s) => [s.id, s.name])),
    timezone: req.chat.timezone,
    t: req.t,
  });
  const data = known
    ? encodeCallback({ type: 'subscribe', kind: 'company', value: companyKey(company) })
    : encodeCallback({ type: 'subscribe', kind: 'keyword', value: company.name });
  const keyboard: Keyboard = data ? [[{ text: `🔔 ${req.t.subscribeButton(clip(company.shortName || company.name, 24))}`, callback_data: data }]] : [];
  await reply(req, html, keyboard);
}

export async function companyCommand(req: Request): Promise<void> {
  const { deps, t } = req;
  const query = clip(cleanArg(req.args), 40);
  if (!query) return reply(req, t.companyUsage());
  const exact = deps.directory.lookup(query);
  if (exact) return sendCard(req, exact, true);
  const candidates = deps.directory.search(query, 8);
  if (candidates.length === 1 && candidates[0]) return sendCard(req, candidates[0], true);
  if (candidates.length > 1) return reply(req, t.companyChoose(query), companyChoices(candidates, 'card'));
  // Not in the directory, but posts may name it (a start-up, a foreign company): show what we have.
  const posts = await deps.posts.byCompany([query], { limit: 1 });
  if (posts.length) return sendCard(req, { id: query, name: query, shortName: '', codes: [], exchange: null, aliases: [] }, false);
  return reply(req, t.companyNotFound(query));
}

/** A company chosen from the ambiguity buttons. */
export async function companyButton(req: Request, key: string): Promise<void> {
  const company = req.deps.directory.lookup(key);
  if (!company) {
    await req.ctx.answerCbQuery(plain(req.t.expiredButton()), { show_alert: true });
    return;
  }
  await req.ctx.answerCbQuery();
  await sendCard(req, company, true);
}
