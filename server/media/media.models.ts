import { createHash } from 'node:crypto';

const MB = 1024 * 1024;

/** Meta's accepted types and sizes for outbound media (CLOUD-API §4). WebP is for stickers only. */
export const OUTBOUND_MEDIA: Record<string, { kind: 'audio' | 'document' | 'image' | 'sticker' | 'video'; maxBytes: number }> = {
  'audio/aac': { kind: 'audio', maxBytes: 16 * MB },
  'audio/amr': { kind: 'audio', maxBytes: 16 * MB },
  'audio/mpeg': { kind: 'audio', maxBytes: 16 * MB },
  'audio/mp4': { kind: 'audio', maxBytes: 16 * MB },
  'audio/ogg': { kind: 'audio', maxBytes: 16 * MB },
  'text/plain': { kind: 'document', maxBytes: 100 * MB },
  'application/pdf': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * MB },
  'application/msword': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * MB },
  'image/jpeg': { kind: 'image', maxBytes: 5 * MB },
  'image/png': { kind: 'image', maxBytes: 5 * MB },
  // Animated stickers may be 500 KB, static ones 100 KB; we cannot tell them apart cheaply, so allow 500 KB.
  'image/webp': { kind: 'sticker', maxBytes: 500 * 1024 },
  'video/3gpp': { kind: 'video', maxBytes: 16 * MB },
  'video/mp4': { kind: 'video', maxBytes: 16 * MB },
};

/** Largest inbound file Meta delivers (bigger ones arrive as error 131052). */
export const INBOUND_MAX_BYTES = 100 * MB;

/** "audio/ogg; codecs=opus" → "audio/ogg". */
export function baseMime(mime: string | null | undefined): string {
  return (mime ?? '').split(';')[0]!.trim().toLowerCase();
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Meta's `sha256` is base64 in current payloads and hex in older ones: accept either. */
export function sha256Matches(bytes: Uint8Array, expected: string): boolean {
  const digest = createHash('sha256').update(bytes).digest();
  const e = expected.trim();
  if (/^[0-9a-fA-F]{64}$/.test(e)) return digest.toString('hex') === e.toLowerCase();
  return digest.toString('base64').replace(/=+$/, '') === e.replace(/=+$/, '') || digest.toString('base64url') === e.replace(/=+$/, '');
}

export function formatBytes(n: number): string {
  return n >= MB ? `${Math.round(n / MB)} MB` : `${Math.round(n / 1024)} KB`;
}
