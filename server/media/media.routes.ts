import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { media } from '../../db/schema/whatsapp.js';
import { requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { AppError, badRequest, notFound } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { explainGraphError, GraphError } from '../whatsapp/graph/graph.errors.js';
import { baseMime, formatBytes, OUTBOUND_MEDIA, sha256Hex } from './media.models.js';

/** The largest upload accepted at all (Meta's document limit). */
export const MEDIA_UPLOAD_LIMIT = 100 * 1024 * 1024 + 64 * 1024;

type MediaRow = typeof media.$inferSelect;

const INLINE_TYPES = /^(image\/(jpeg|png|webp|gif)|audio\/[a-z0-9.+-]+|video\/(mp4|3gpp|webm))$/;

const mediaToJson = (m: MediaRow) => ({
  id: m.id,
  channelId: m.channelId,
  direction: m.direction,
  mimeType: m.mimeType,
  size: m.size,
  sha256: m.sha256,
  filename: m.filename,
  state: m.state,
  error: m.error,
  waMediaId: m.waMediaId,
  url: m.state === 'ready' ? `/api/v1/media/${m.id}/content` : null,
  /** When the retention setting removed the file (the row stays as a placeholder). */
  purgedAt: m.state === 'purged' ? toIso(m.updatedAt) : null,
  createdAt: toIso(m.createdAt),
});

/** Upload for sending (checked against Meta's type/size table, then uploaded to Meta) and signed-in download. */
export function createMediaRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const find = (id: string) => {
    const row = db.select().from(media).where(eq(media.id, id)).get();
    if (!row) throw notFound('media.not_found', 'No such media.');
    return row;
  };

  return new Hono<AppEnv>()
    .post('/media', requireAuth, async (c) => {
      let form: Record<string, string | File | (string | File)[]>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw badRequest('request.invalid', 'Send multipart/form-data with a "file" field.');
      }
      const file = form.file;
      if (!(file instanceof File)) throw badRequest('request.invalid', 'file: attach the file as a multipart "file" field');
      const mime = baseMime(file.type);
      const rule = OUTBOUND_MEDIA[mime];
      if (!rule) throw new AppError(415, 'media.unsupported_type', `WhatsApp does not accept ${mime || 'files without a type'}. Allowed: ${Object.keys(OUTBOUND_MEDIA).join(', ')}.`);
      if (file.size > rule.maxBytes) {
        throw new AppError(413, 'media.too_large', `${rule.kind} files may be at most ${formatBytes(rule.maxBytes)} on WhatsApp; this one is ${formatBytes(file.size)}.`);
      }
      const channelId = typeof form.channelId === 'string' ? form.channelId : undefined;
      const channel = channelId ? deps.channels.byId(channelId) : deps.channels.all().find((ch) => ch.status === 'active');
      if (!channel) throw badRequest('request.invalid', channelId ? 'channelId: no such channel' : 'No WhatsApp channel is configured.');

      const bytes = new Uint8Array(await file.arrayBuffer());
      const hex = sha256Hex(bytes);
      await deps.storage.put(hex, bytes).catch((err: unknown) => storageFailed(deps, 'put', err));
      let waMediaId: string;
      try {
        ({ id: waMediaId } = await deps.graphFor(channel).uploadMedia(channel.phoneNumberId, { bytes, mimeType: mime, filename: file.name || 'file' }, { timeoutMs: 120_000 }));
        deps.metrics.mediaUploaded.inc(bytes.length);
      } catch (err) {
        const message = err instanceof GraphError ? explainGraphError(err.code, err.title) : 'WhatsApp could not be reached.';
        throw new AppError(502, 'whatsapp.upload_failed', `Uploading to WhatsApp failed: ${message}`);
      }
      const now = clock.now();
      const row: MediaRow = {
        id: newId('med'),
        channelId: channel.id,
        direction: 'outbound',
        waMediaId,
        mimeType: mime,
        size: bytes.length,
        sha256: hex,
        metaSha256: null,
        filename: file.name || null,
        caption: null,
        state: 'ready',
        error: null,
        uploadedBy: c.get('auth')!.user.id,
        createdAt: now,
        updatedAt: now,
      };
      db.insert(media).values(row).run();
      return c.json({ data: mediaToJson(row) }, 201);
    })

    .get('/media/:id', requireAuth, (c) => c.json({ data: mediaToJson(find(c.req.param('id'))) }))

    .get('/media/:id/content', requireAuth, async (c) => {
      const row = find(c.req.param('id'));
      if (row.state === 'purged') {
        const on = new Date(row.updatedAt).toISOString().slice(0, 10);
        throw new AppError(410, 'media.purged', `${row.error ?? 'Media removed by the retention setting'} on ${on}; the file is gone for good.`);
      }
      if (row.state !== 'ready' || !row.sha256) {
        throw new AppError(409, 'media.not_ready', row.state === 'failed' ? `This media could not be downloaded: ${row.error ?? 'unknown reason'}` : 'This media is still downloading.');
      }
      const file = await deps.storage.open(row.sha256).catch((err: unknown) => storageFailed(deps, 'open', err));
      if (!file) throw notFound('media.missing', 'The media file is missing from storage.');
      const mime = row.mimeType ?? 'application/octet-stream';
      // Only types a browser cannot execute are shown inline; anything else (SVG, HTML…) downloads.
      const inline = INLINE_TYPES.test(mime);
      const name = row.filename ?? `${row.id}.${mime.split('/')[1]?.split(/[;+]/)[0] ?? 'bin'}`;
      c.header('Content-Type', mime);
      c.header('Content-Length', String(file.size));
      c.header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`);
      c.header('Cache-Control', 'private, max-age=86400');
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Content-Security-Policy', "sandbox; default-src 'none'");
      // Pulled chunk by chunk as the client reads (a large file from S3 is never held whole); a reader
      // that leaves cancels the source, and a source that breaks off aborts the response.
      const chunks = file.stream[Symbol.asyncIterator]();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value as Uint8Array);
        },
        async cancel() {
          await chunks.return?.();
        },
      });
      return c.body(body);
    });
}

/** Storage (disk or S3) failed: log the detail for the operator, tell the user it is temporary. */
function storageFailed(deps: AppDeps, op: 'put' | 'open', err: unknown): never {
  deps.logger.error(`media: storage ${op} failed`, { err: err instanceof Error ? err.message : String(err) });
  throw new AppError(503, 'media.storage_unavailable', 'Media storage is not answering right now. Try again in a moment.');
}
