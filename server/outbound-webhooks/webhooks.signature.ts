import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `x-parley-signature` header for a body sent at `nowSeconds`: `t=<unix seconds>,v1=<hex>`, where the
 * hex is HMAC-SHA256 with the subscription's secret over `"<t>.<raw body>"` (Stripe's scheme: the
 * timestamp is signed too, so a captured delivery cannot be replayed later).
 */
export function signParleyPayload(secret: string, rawBody: string, nowSeconds: number): string {
  const t = String(Math.floor(nowSeconds));
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * Checks an `x-parley-signature` header the way a receiver should (the README shows the same code in
 * plain JavaScript): the timestamp within `toleranceSeconds` of now, and a `v1` equal to the HMAC of
 * `"<t>.<raw body>"`, compared in constant time. `rawBody` must be the bytes as received, not re-encoded JSON.
 */
export function verifyParleySignature(secret: string, header: string | null | undefined, rawBody: string | Buffer, nowSeconds: number, toleranceSeconds = 300): boolean {
  let timestamp = '';
  const signatures: string[] = [];
  for (const part of String(header ?? '').split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
