/**
 * Small, total readers shared by the webhook parser. Meta's payloads drift between API versions
 * (strings vs numbers, optional BSUID fields, renamed keys), so every reader accepts `unknown`
 * and returns null instead of throwing.
 */
import type { MetaError, WaIdentity } from './webhook.events.js';

export type Json = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or null. */
export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** An id that Meta sends as a string in some payloads and as an integer in others (template ids, media ids). */
export function idStr(v: unknown): string | null {
  if (typeof v === 'string') return v !== '' ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A finite number from a number or a numeric string (`file_size`, order `quantity`/`item_price`), or null. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A boolean, or null when absent or of another type. */
export function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** The array, or an empty one: every Meta list is optional. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The object, or an empty one, so nested optional objects can be read without guards. */
export function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

/**
 * Unix seconds → epoch milliseconds. `messages`/`statuses` send strings ("1749416383"), template and
 * `user_preferences` webhooks send integers; both are accepted. Anything else (empty, negative,
 * non-numeric) gives null.
 */
export function parseTimestamp(v: unknown): number | null {
  let seconds: number | null = null;
  if (typeof v === 'number') seconds = v;
  else if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) seconds = Number(v);
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  return Math.round(seconds * 1000);
}

/**
 * Meta error objects → MetaError[]. `details` normally sits in `error_data.details`; the legacy
 * `unknown` message type put it at the top level, so both are read. Non-objects are skipped.
 */
export function parseMetaErrors(v: unknown): MetaError[] {
  const out: MetaError[] = [];
  for (const e of arr(v)) {
    if (!isRecord(e)) continue;
    const code = num(e.code);
    out.push({
      code: code !== null && Number.isInteger(code) ? code : null,
      title: str(e.title),
      message: str(e.message),
      details: str(rec(e.error_data).details) ?? str(e.details),
      href: str(e.href),
    });
  }
  return out;
}

/**
 * Finds the `contacts[]` entry describing a user: by phone (`wa_id`), else by BSUID (`user_id`).
 * When nothing matches and there is exactly one contact, that one is used, because Meta sends one
 * contact per sender and may omit both ids on the message (the contact-request variant has no `from`).
 */
export function findContact(contacts: unknown, waId: string | null, userId: string | null, allowSingle = true): Json | null {
  const list = arr(contacts).filter(isRecord);
  const match = list.find(
    (c) => (waId !== null && idStr(c.wa_id) === waId) || (userId !== null && str(c.user_id) === userId),
  );
  if (match) return match;
  if (allowSingle && list.length === 1) return list[0] ?? null;
  return null;
}

/** Merges ids found on the message/status with the matching contact (message-level values win). */
export function buildIdentity(
  ids: { waId: string | null; userId: string | null; parentUserId: string | null },
  contact: Json | null,
): WaIdentity {
  const c = contact ?? {};
  const profile = rec(c.profile);
  return {
    waId: ids.waId ?? idStr(c.wa_id),
    userId: ids.userId ?? str(c.user_id),
    parentUserId: ids.parentUserId ?? str(c.parent_user_id),
    username: str(profile.username),
    profileName: str(profile.name),
  };
}
