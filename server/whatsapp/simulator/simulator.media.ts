/**
 * In-memory media like Meta's (CLOUD-API.md §4): an id per upload with its sha256 (base64) and size, and
 * short-lived download URLs carrying a random token that expire 5 minutes after they were issued.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GraphError } from './simulator.errors.js';
import { newGraphId } from './simulator.payloads.js';

/** Meta's URL lifetime: re-query the media id for a fresh one. */
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

export interface StoredMedia {
  id: string;
  bytes: Uint8Array;
  mimeType: string;
  sha256: string;
  fileSize: number;
  filename: string | null;
  createdAt: number;
}

/** Upload limits per MIME type (§4 table); WebP is a sticker only. */
const LIMITS: Array<[RegExp, number]> = [
  [/^audio\/(aac|amr|mpeg|mp4)$/, 16 * 1024 * 1024],
  [/^audio\/ogg(;\s*codecs=opus)?$/, 16 * 1024 * 1024],
  [/^(text\/plain|application\/pdf|application\/msword|application\/vnd\.ms-(excel|powerpoint)|application\/vnd\.openxmlformats-officedocument\.[a-z.]+)$/, 100 * 1024 * 1024],
  [/^image\/(jpeg|png)$/, 5 * 1024 * 1024],
  [/^image\/webp$/, 500 * 1024],
  [/^video\/(mp4|3gpp)$/, 16 * 1024 * 1024],
];

/** Base64 sha256 of the raw bytes, as Meta's examples show it. */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Creates a media store; `now` is the simulator clock (URL expiry is measured with it). */
export function createMediaStore(now: () => number) {
  const media = new Map<string, StoredMedia>();
  const tokens = new Map<string, { mediaId: string; expiresAt: number }>();

  /** Stores bytes without validation (customer media can be anything a phone sends). */
  function put(p: { bytes: Uint8Array; mimeType: string; filename?: string | null }): StoredMedia {
    const item: StoredMedia = {
      id: newGraphId(),
      bytes: p.bytes,
      mimeType: p.mimeType,
      sha256: sha256Base64(p.bytes),
      fileSize: p.bytes.byteLength,
      filename: p.filename ?? null,
      createdAt: now(),
    };
    media.set(item.id, item);
    return item;
  }

  /** Upload through the API: Meta rejects unsupported types and oversized files with 131053. */
  function upload(p: { bytes: Uint8Array; mimeType: string; filename?: string | null }): StoredMedia {
    const mime = p.mimeType.trim().toLowerCase();
    const limit = LIMITS.find(([re]) => re.test(mime))?.[1];
    if (limit === undefined) {
      throw new GraphError(131053, { details: `Param file must be a file with one of the following types: audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg, text/plain, application/pdf, application/msword, image/jpeg, image/png, image/webp, video/mp4, video/3gpp and office documents. Received file of type '${mime}'.` });
    }
    if (p.bytes.byteLength > limit) throw new GraphError(131053, { details: `File is too big. Max file size is ${limit} bytes.` });
    if (p.bytes.byteLength === 0) throw new GraphError(131053, { details: 'Uploaded file is empty.' });
    return put({ ...p, mimeType: mime });
  }

  /** A fresh download token for a media id (every `GET /{media-id}` mints a new one). */
  function issueToken(mediaId: string): string {
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { mediaId, expiresAt: now() + MEDIA_URL_TTL_MS });
    return token;
  }

  /** The media behind a token, or null once expired, unknown or deleted (the route answers 404). */
  function resolveToken(token: string): StoredMedia | null {
    const entry = tokens.get(token);
    if (!entry) return null;
    if (now() >= entry.expiresAt) {
      tokens.delete(token);
      return null;
    }
    return media.get(entry.mediaId) ?? null;
  }

  function remove(id: string): boolean {
    return media.delete(id);
  }

  return { put, upload, get: (id: string) => media.get(id) ?? null, remove, issueToken, resolveToken };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
