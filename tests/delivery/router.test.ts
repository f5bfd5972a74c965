import { describe, expect, it } from 'vitest';
import { routePosts, type Subscriber } from '../../src/delivery/router.ts';
import type { Subscription, SubscriptionKind } from '../../src/types.ts';
import { makeChat, makePost } from './helpers.ts';

const subs = (chatId: number, ...pairs: [SubscriptionKind, string][]): Subscription[] => pairs.map(([kind, value]) => ({ chatId, kind, value }));

const moutai = makePost({ id: 1, sourceId: 'eastmoney', title: '贵州茅台发布一季报', text: '营收增长', companies: [{ name: '贵州茅台', code: '600519' }] });
const byd = makePost({ id: 2, sourceId: 'cs', title: 'BYD sales up', text: '比亚迪五月销量', companies: [{ name: '比亚迪', code: '002594' }] });
const unnamed = makePost({ id: 3, sourceId: 'ithome', title: '某初创公司融资', companies: [{ name: '深度求索', code: null }] });
const posts = [moutai, byd, unnamed];

describe('routePosts', () => {
  it.each<[string, Subscription[], number[]]>([
    ['a source', subs(1, ['source', 'cs']), [2]],
    ['a company by code', subs(1, ['company', '600519']), [1]],
    ['a company by name when the post has no code', subs(1, ['company', '深度求索']), [3]],
    ['a company by name when the post has a code', subs(1, ['company', '比亚迪']), [2]],
    ['a keyword in the title, any case', subs(1, ['keyword', 'byd']), [2]],
    ['a keyword in the text', subs(1, ['keyword', '销量']), [2]],
    ['a full-width keyword', subs(1, ['keyword', 'ＢＹＤ']), [2]],
    ['several subscriptions, each post once', subs(1, ['source', 'eastmoney'], ['company', '600519'], ['keyword', '融资']), [1, 3]],
    ['nothing that matches', subs(1, ['keyword', '银行'], ['source', 'sina']), []],
    ['no subscriptions at all', [], []],
  ])('routes by %s', (_name, subscriptions, expected) => {
    const routed = routePosts(posts, [{ chat: makeChat({ id: 1 }), subscriptions }]);
    expect((routed.get(1) ?? []).map((p) => p.id)).toEqual(expected);
    if (expected.length === 0) expect(routed.has(1)).toBe(false);
  });

  it('skips inactive chats and routes each chat on its own', () => {
    const subscribers: Subscriber[] = [
      { chat: makeChat({ id: 1 }), subscriptions: subs(1, ['source', 'cs']) },
      { chat: makeChat({ id: 2, active: false }), subscriptions: subs(2, ['source', 'cs']) },
      { chat: makeChat({ id: -3, type: 'group' }), subscriptions: subs(-3, ['company', '600519'], ['keyword', '融资']) },
    ];
    const routed = routePosts(posts, subscribers);
    expect([...routed].map(([chat, list]) => [chat, list.map((p) => p.id)])).toEqual([
      [1, [2]],
      [-3, [1, 3]],
    ]);
  });

  it('sends a story that arrived through two sources once', () => {
    const copy = makePost({ id: 9, sourceId: 'sina', storyId: moutai.id, title: moutai.title, companies: moutai.companies });
    const routed = routePosts([moutai, copy], [{ chat: makeChat({ id: 1 }), subscriptions: subs(1, ['source', 'sina'], ['company', '600519']) }]);
    expect(routed.get(1)?.map((p) => p.id)).toEqual([1]);
  });
});
