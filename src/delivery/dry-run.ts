// Without TELEGRAM_BOT_TOKEN caixun still runs the pipeline; the sender then talks to this
// transport, which prints each message instead of sending it, so a first run shows what a chat
// would receive.

import type { SendMessagePayload, TelegramLike } from './outbox-sender.ts';

export function createDryRunTelegram(out: NodeJS.WritableStream): TelegramLike {
  let nextMessageId = 1;
  return {
    async callApi(_method: 'sendMessage', payload: SendMessagePayload) {
      out.write(`── would send to chat ${payload.chat_id} ──\n${payload.text}\n\n`);
      return { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: payload.chat_id }, text: payload.text };
    },
  };
}
