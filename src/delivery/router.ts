// Which chats want which posts. Pure: the instant path and the digest planner both call it.
// A chat wants a post when it subscribes to the post's source, to one of its companies (by
// code, or by name for a company without a code), or to a keyword found in the title or
// text. A chat with no subscriptions gets nothing; an inactive chat gets nothing.
//
// A morning's digests route ~1,500 posts to 10,000 chats; testing every pair is 15 M checks.
// The posts are indexed once instead (by source, by company key, by each distinct keyword),
// and a chat collects the lists its subscriptions name.

import type { Chat, Post, Subscription } from '../types.ts';
import { normaliseForSearch } from '../../storage/search-query.ts';

export interface Subscriber {
  chat: Chat;
  subscriptions: Subscription[];
}

/** Full-width letters and digits folded to ASCII, lower case: `ＢＹＤ` finds `byd` (as search does). */
const fold = normaliseForSearch;

class PostIndex {
  private readonly bySource = new Map<string, number[]>();
  private readonly byCompany = new Map<string, number[]>();
  private readonly byKeyword = new Map<string, number[]>();
  private haystacks?: string[];

  constructor(private readonly posts: Post[]) {
    posts.forEach((post, i) => {
      push(this.bySource, post.sourceId, i);
      // A company is matched by its code; its name also matches, which covers a subscription
      // made by name before the directory knew the code, and posts that name it without one.
      const keys = new Set(post.companies.flatMap((c) => (c.code ? [fold(c.code), fold(c.name)] : [fold(c.name)])));
      for (const key of keys) push(this.byCompany, key, i);
    });
  }

  /** Positions (in `posts`) of the posts a subscription matches. */
  matches(subscription: Subscription): number[] {
    const value = subscription.value.trim();
    if (subscription.kind === 'source') return this.bySource.get(subscription.value) ?? [];
    if (subscription.kind === 'company') return this.byCompany.get(fold(value)) ?? [];
    if (!value) return [];
    const keyword = fold(value);
    let hits = this.byKeyword.get(keyword);
    if (!hits) {
      this.haystacks ??= this.posts.map((p) => fold(`${p.title}\n${p.text}`));
      hits = [];
      for (let i = 0; i < this.haystacks.length; i++) if (this.haystacks[i]!.includes(keyword)) hits.push(i);
      this.byKeyword.set(keyword, hits);
    }
    return hits;
  }
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Routes one batch of posts to chats one at a time (the digest planner formats each chat's
 * digest as it goes instead of holding every chat's list at once). */
export class PostRouter {
  private readonly index: PostIndex;
  // Marks instead of per-chat sets: seenBy[i] === stamp means post i is already collected for
  // the current chat.
  private readonly seenBy: Int32Array;
  /** Post position → its story's slot; storySeen[slot] === stamp: story taken for this chat. */
  private readonly storySlot: Int32Array;
  private readonly storySeen: Int32Array;
  private stamp = 0;

  constructor(private readonly posts: Post[]) {
    this.index = new PostIndex(posts);
    this.seenBy = new Int32Array(posts.length);
    const slots = new Map<number, number>();
    this.storySlot = Int32Array.from(posts, (p) => {
      let slot = slots.get(p.storyId);
      if (slot === undefined) slots.set(p.storyId, (slot = slots.size));
      return slot;
    });
    this.storySeen = new Int32Array(slots.size);
  }

  /** The posts the chat wants, in input order, one per story; empty for an inactive chat or
   * one without subscriptions. */
  route({ chat, subscriptions }: Subscriber): Post[] {
    if (!chat.active || subscriptions.length === 0 || this.posts.length === 0) return [];
    const stamp = ++this.stamp;
    const hits: number[] = [];
    for (const subscription of subscriptions) {
      for (const i of this.index.matches(subscription)) {
        if (this.seenBy[i] === stamp) continue;
        this.seenBy[i] = stamp;
        hits.push(i);
      }
    }
    const wanted: Post[] = [];
    const take = (i: number) => {
      const slot = this.storySlot[i]!;
      if (this.storySeen[slot] === stamp) return;
      this.storySeen[slot] = stamp;
      wanted.push(this.posts[i]!);
    };
    // Back into input order: a scan of the marks when the chat wants a good share of the
    // batch (a digest), a sort of the few hits otherwise (an instant batch).
    if (hits.length * 16 > this.posts.length) {
      for (let i = 0; i < this.posts.length; i++) if (this.seenBy[i] === stamp) take(i);
    } else {
      for (const i of hits.sort((a, b) => a - b)) take(i);
    }
    return wanted;
  }
}

/** For each chat that wants something, its posts in input order, one per story (a story that
 * arrived through two sources in the same batch is sent once). */
export function routePosts(posts: Post[], subscribers: Subscriber[]): Map<number, Post[]> {
  const router = new PostRouter(posts);
  const routed = new Map<number, Post[]>();
  for (const subscriber of subscribers) {
    const wanted = router.route(subscriber);
    if (wanted.length) routed.set(subscriber.chat.id, wanted);
  }
  return routed;
}
