import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import type { S3Config } from '../config.js';
import type { MediaStorage } from './media.storage.js';

/** Objects live under this prefix, so the bucket can be shared with other things (backups, say). */
const PREFIX = 'media/';
/** How long a put is remembered for deleteIfIdle (the retention purge waits an hour). */
const TOUCH_MEMORY_MS = 24 * 3600_000;

/** A request to the S3 service that failed; the message names the operation, the status and S3's own code. */
export class S3StorageError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'S3StorageError';
  }
}

export interface S3StorageOptions {
  fetch?: typeof fetch;
  /** Until the response headers arrive (a download's body may then take as long as the reader needs). */
  timeoutMs?: number;
  /** For a PUT, whose body is sent before the headers come back. */
  uploadTimeoutMs?: number;
  /** Extra tries on network errors, 5xx and 429 (every request here is idempotent: keys are content hashes). */
  retries?: number;
  retryDelayMs?: number;
}

/**
 * The URL of an object. With S3_ENDPOINT (MinIO, R2, s3rver…) path-style: `<endpoint>/<bucket>/<key>`,
 * which needs no wildcard DNS. Without it, AWS virtual-hosted style `https://<bucket>.s3.<region>.amazonaws.com/<key>`,
 * except for bucket names that are not one DNS label (dots break the TLS wildcard), which stay path-style.
 */
export function s3ObjectUrl(cfg: Pick<S3Config, 'bucket' | 'endpoint' | 'region'>, objectKey: string): string {
  const path = objectKey.split('/').map(encodeURIComponent).join('/');
  if (cfg.endpoint) return `${cfg.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(cfg.bucket)}/${path}`;
  const host = `s3.${cfg.region}.amazonaws.com`;
  if (/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(cfg.bucket)) return `https://${cfg.bucket}.${host}/${path}`;
  return `https://${host}/${encodeURIComponent(cfg.bucket)}/${path}`;
}

/**
 * Media in an S3-compatible bucket, signed with SigV4 by aws4fetch over the built-in fetch. Keys are the
 * content's sha256, so `put` asks HEAD first and skips content already there, and sends that hash as
 * `x-amz-content-sha256` so S3 itself rejects bytes that do not match it. `open` streams the body.
 */
export function createS3MediaStorage(cfg: S3Config, opts: S3StorageOptions = {}): MediaStorage {
  const aws = new AwsClient({ accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, service: 's3', region: cfg.region });
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const uploadTimeoutMs = opts.uploadTimeoutMs ?? 120_000;
  const retries = opts.retries ?? 2;
  const retryDelayMs = opts.retryDelayMs ?? 250;

  const objectKey = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid media key ${key}`);
    return PREFIX + key;
  };

  /** Signs and sends one request, retrying what may pass; the timeout stops once the headers are in. */
  async function send(method: string, key: string, init: { body?: Uint8Array; headers?: Record<string, string> } = {}): Promise<Response> {
    const name = objectKey(key);
    const url = s3ObjectUrl(cfg, name);
    const what = `${method} ${name}`;
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      const limit = method === 'PUT' ? uploadTimeoutMs : timeoutMs;
      const timer = setTimeout(() => controller.abort(new Error(`no answer within ${limit} ms`)), limit);
      let res: Response;
      try {
        const signed = await aws.sign(url, { method, headers: init.headers, body: init.body });
        res = await doFetch(signed, { signal: controller.signal });
      } catch (err) {
        if (attempt < retries) {
          await pause(retryDelayMs * 2 ** attempt);
          continue;
        }
        throw new S3StorageError(`S3 ${what} at ${new URL(url).host} failed: ${describeCause(err)}`, null, null, { cause: err });
      } finally {
        clearTimeout(timer);
      }
      if ((res.status >= 500 || res.status === 429) && attempt < retries) {
        await res.body?.cancel().catch(() => {});
        await pause(retryDelayMs * 2 ** attempt);
        continue;
      }
      return res;
    }
  }

  /** Turns a non-2xx answer into an S3StorageError with S3's code and a hint at the variable to check. */
  async function failure(res: Response, what: string): Promise<S3StorageError> {
    const text = res.body ? await res.text().catch(() => '') : '';
    const code = xmlField(text, 'Code') ?? (res.status === 403 ? 'AccessDenied' : res.status === 404 ? 'NotFound' : null);
    const message = xmlField(text, 'Message');
    const hint = HINTS[code ?? ''] ?? (res.status === 301 ? ' (the bucket is in another region: check S3_REGION)' : '');
    return new S3StorageError(`S3 ${what} failed: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${hint}`, res.status, code);
  }

  // put and deleteIfIdle of one key never interleave (a put that found the object must not see it
  // deleted a moment later), and a put is remembered for a day: a dedupe hit does not change S3's Last-Modified.
  const chains = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (chains.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => {});
    chains.set(key, tail);
    void tail.then(() => chains.get(key) === tail && chains.delete(key));
    return run;
  };
  const touched = new Map<string, number>();
  const touch = (key: string) => {
    const now = Date.now();
    touched.delete(key);
    touched.set(key, now); // Map order is insertion order: the oldest touches come first
    for (const [k, at] of touched) {
      if (now - at < TOUCH_MEMORY_MS) break;
      touched.delete(k);
    }
  };

  return {
    put: (key, bytes) =>
      serial(key, async () => {
        touch(key);
        const head = await send('HEAD', key);
        await head.body?.cancel().catch(() => {});
        if (head.ok) return; // the same content is stored already
        if (head.status !== 404) throw await failure(head, `HEAD ${objectKey(key)}`);
        const res = await send('PUT', key, {
          body: bytes,
          headers: { 'content-type': 'application/octet-stream', 'x-amz-content-sha256': key },
        });
        if (!res.ok) throw await failure(res, `PUT ${objectKey(key)}`);
        await res.body?.cancel().catch(() => {});
      }),

    deleteIfIdle: (key, idleMs) =>
      serial(key, async () => {
        const at = touched.get(key);
        if (at !== undefined && Date.now() - at < idleMs) return 'recent' as const;
        const head = await send('HEAD', key);
        await head.body?.cancel().catch(() => {});
        if (head.status === 404) return 'missing' as const;
        if (!head.ok) throw await failure(head, `HEAD ${objectKey(key)}`);
        // Written by an earlier run of Parley (its touches are not remembered): S3's clock tells.
        const modified = Date.parse(head.headers.get('last-modified') ?? '');
        if (Date.now() - modified < idleMs) return 'recent' as const;
        const res = await send('DELETE', key);
        if (res.ok || res.status === 404) {
          await res.body?.cancel().catch(() => {});
          return 'deleted' as const;
        }
        throw await failure(res, `DELETE ${objectKey(key)}`);
      }),

    async open(key) {
      const res = await send('GET', key);
      if (res.status === 404) {
        const err = await failure(res, `GET ${objectKey(key)}`);
        if (err.code === 'NoSuchKey' || err.code === 'NotFound') return null;
        throw err; // NoSuchBucket is a configuration problem, not a missing file
      }
      if (!res.ok || !res.body) throw await failure(res, `GET ${objectKey(key)}`);
      const size = Number(res.headers.get('content-length'));
      if (!Number.isSafeInteger(size)) {
        await res.body.cancel().catch(() => {});
        throw new S3StorageError(`S3 GET ${objectKey(key)} answered without a Content-Length`, res.status, null);
      }
      return { stream: Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>), size };
    },

    async delete(key) {
      const res = await send('DELETE', key);
      if (res.ok) return void (await res.body?.cancel().catch(() => {}));
      const err = await failure(res, `DELETE ${objectKey(key)}`);
      if (res.status === 404 && err.code !== 'NoSuchBucket') return; // already gone
      throw err;
    },
  };
}

const HINTS: Record<string, string> = {
  InvalidAccessKeyId: ' (check S3_ACCESS_KEY_ID)',
  SignatureDoesNotMatch: ' (check S3_SECRET_ACCESS_KEY and S3_REGION)',
  AccessDenied: ' (check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket policy)',
  NoSuchBucket: ' (check S3_BUCKET: the bucket must exist)',
  AuthorizationHeaderMalformed: ' (check S3_REGION)',
  PermanentRedirect: ' (the bucket is in another region: check S3_REGION)',
  XAmzContentSHA256Mismatch: ' (the bytes do not match their sha256 key)',
};

function xmlField(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1]!.trim() : null;
}

/** fetch wraps the interesting part ("connect ECONNREFUSED 127.0.0.1:9") in `cause`. */
function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
