import { serializeMetaStyle, signWebhookBody } from '../server/whatsapp/webhook/webhook.signature.js';

export const BENCH_CHANNEL = { phoneNumberId: '220011223344556', wabaId: '310998877665544', appSecret: 'bench-app-secret' } as const;

/**
 * A ~1.5 KB signed inbound-text webhook, serialised the way Meta does (non-ASCII escaped). Message `i` is
 * stamped `secondOf(i)` (Unix seconds; by default one second apart in 2025); pass recent seconds when
 * timing matters (service windows, follow-ups that fall due).
 */
export function benchWebhook(i: number, contacts = 1000, secondOf: (i: number) => number = (n) => 1_752_000_000 + n): { body: string; signature: string } {
  const waId = String(14155550000 + (i % contacts));
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: BENCH_CHANNEL.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15557654321', phone_number_id: BENCH_CHANNEL.phoneNumberId },
              contacts: [{ profile: { name: `Cliente ${i % contacts} — Zoë` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.BENCH${String(i).padStart(12, '0')}`,
                  timestamp: String(secondOf(i)),
                  type: 'text',
                  text: { body: `Olá! Pedido ${i}: ¿tienen café? ☕ `.padEnd(1100, 'lorem ipsum dolor sit amet ') },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  const body = serializeMetaStyle(payload);
  return { body, signature: signWebhookBody(body, BENCH_CHANNEL.appSecret) };
}
