import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes keyed with the app secret, as Meta sends it. */
export function signWebhookBody(body: Uint8Array | string, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex');
}

/**
 * Checks `X-Hub-Signature-256` against each candidate app secret in constant time.
 * Returns the index of the secret that signed the body, or -1. Always hash the raw bytes:
 * Meta signs its own escaped serialisation, which a re-serialised object would not reproduce.
 */
export function matchWebhookSignature(body: Uint8Array, header: string | undefined | null, appSecrets: readonly string[]): number {
  if (!header || !header.startsWith('sha256=')) return -1;
  const given = Buffer.from(header.slice(7).trim().toLowerCase(), 'utf8');
  if (given.length !== 64) return -1;
  let match = -1;
  for (let i = 0; i < appSecrets.length; i++) {
    const expected = Buffer.from(createHmac('sha256', appSecrets[i]!).update(body).digest('hex'), 'utf8');
    // No early exit: every secret is checked, so timing says nothing about which one matched.
    if (timingSafeEqual(expected, given) && match === -1) match = i;
  }
  return match;
}

/**
 * Serialises like Meta's webhook sender: JSON with every non-ASCII character escaped as a lowercase
 * `\uXXXX` (and "/" as "\/"). Signing this string's bytes reproduces what Meta signs.
 */
export function serializeMetaStyle(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/\//g, '\\/');
}
