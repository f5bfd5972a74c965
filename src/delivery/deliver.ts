// The instant path: new posts from the pipeline → the chats in instant mode that want them →
// the outbox. A source's first poll (its backlog) sends nothing instantly: those posts wait for
// the digests, so adding a source never floods instant chats with its archive.

import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Post, Source } from '../types.ts';
import type { ChatStore } from '../../storage/chats.ts';
import type { NewOutboxMessage, OutboxStore } from '../../storage/outbox.ts';
import { formatPostMessage } from './format.ts';
import { routePosts } from './router.ts';

/** What delivery needs of the sources file: names for display. */
export interface SourceLister {
  list(): Promise<Pick<Source, 'id' | 'name'>[]>;
}

export async function sourceNames(sources: SourceLister): Promise<Record<string, string>> {
  return Object.fromEntries((await sources.list()).map((s) => [s.id, s.name]));
}

export interface InstantDeliveryDeps {
  chats: ChatStore;
  outbox: OutboxStore;
  sources: SourceLister;
  clock: Clock;
  log: Logger;
  /** Called when messages were queued (wire to OutboxSender.notify). */
  onQueued?: () => void;
}

export class InstantDelivery {
  constructor(private readonly deps: InstantDeliveryDeps) {}

  /** Queues an alert per (instant-mode chat, wanted post) not delivered to that chat before.
   * Returns how many messages were queued. */
  async deliverNewPosts(posts: Post[], options: { backlog: boolean }): Promise<number> {
    if (options.backlog || posts.length === 0) return 0;
    const { chats, outbox, clock, log } = this.deps;
    const subscribers = await chats.activeSubscribers({ mode: 'instant' });
    const routed = routePosts(posts, subscribers);
    if (routed.size === 0) return 0;
    const names = await sourceNames(this.deps.sources);
    const byId = new Map(subscribers.map((s) => [s.chat.id, s.chat]));
    // One post fans out to thousands of chats sharing a handful of (language, zone) pairs.
    const texts = new Map<string, string>();
    const messages: NewOutboxMessage[] = [];
    for (const [chatId, wanted] of routed) {
      const chat = byId.get(chatId)!;
      for (const post of wanted) {
        const key = `${post.id}|${chat.lang}|${chat.timezone}`;
        let text = texts.get(key);
        if (text === undefined) {
          text = formatPostMessage(post, { lang: chat.lang, timezone: chat.timezone, sourceName: names[post.sourceId] ?? post.sourceId });
          texts.set(key, text);
        }
        messages.push({ chatId, text, kind: 'post', postIds: [post.id], storyIds: [post.storyId] });
      }
    }
    const queued = await outbox.enqueue(messages, clock.now());
    log.debug({ posts: posts.length, chats: routed.size, queued }, 'instant alerts queued');
    if (queued) this.deps.onQueued?.();
    return queued;
  }
}
