import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * E.164 for a WhatsApp id (digits with the country code, no "+"), or null when it is not a valid number
 * (Meta says a wa_id and the phone number "may not always match").
 */
export function phoneFromWaId(waId: string | null | undefined): string | null {
  if (!waId || !/^\d{6,15}$/.test(waId)) return null;
  const parsed = parsePhoneNumberFromString('+' + waId);
  return parsed?.isValid() ? parsed.number : null;
}

/** E.164 for typed input ("+44 20 7946 0958", "(415) 555-2671" with region US…), or null if invalid. */
export function normalizePhone(input: string, defaultRegion?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultRegion);
  return parsed?.isValid() ? parsed.number : null;
}

/** The wa_id Meta expects in `to` for an E.164 number: the digits without "+". */
export function waIdFromPhone(e164: string): string {
  return e164.replace(/^\+/, '');
}
