import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver } from '../../test/s3rver.js';
import { freePort } from '../../test/server-process.js';
import type { S3Config } from '../config.js';
import { directJobContext } from '../jobs/jobs.handlers.js';
import { silentLogger } from '../lib/logger.js';
import { createTestContext } from '../testing.js';
import { downloadMediaJob } from './media.jobs.js';
import { createS3MediaStorage, s3ObjectUrl, S3StorageError } from './media.storage.s3.js';

// A real S3-compatible server (s3rver) on loopback. It checks the access key id but not SigV4 signatures,
// so signing itself is checked below against AWS's published example instead.
const BUCKET = 'parley-media';
let s3: Awaited<ReturnType<typeof startS3rver>>;
let endpoint: string;

beforeAll(async () => {
  s3 = await startS3rver(BUCKET);
  endpoint = s3.endpoint;
});

afterAll(() => s3?.close());

const config = (over: Partial<S3Config> = {}): S3Config => ({ bucket: BUCKET, endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...over });
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const storedAt = (key: string) => s3.pathOf(`media/${key}`);
const chunksOf = async (r: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return chunks;
};
/** Real fetch that records each request's method (and can answer some requests itself). */
const recordingFetch = (answer?: (req: Request, n: number) => Response | undefined) => {
  const calls: string[] = [];
  const f = (async (input: Request, init?: RequestInit) => {
    calls.push(input.method);
    return answer?.(input, calls.length - 1) ?? fetch(input, init);
  }) as typeof fetch;
  return { calls, fetch: f };
};

describe('S3 object addressing', () => {
  it('is path-style under S3_ENDPOINT and virtual-hosted on AWS (path-style for dotted bucket names)', () => {
    const key = 'media/' + 'a'.repeat(64);
    expect(s3ObjectUrl({ bucket: 'b1', endpoint: 'http://127.0.0.1:9000/', region: 'us-east-1' }, key)).toBe(`http://127.0.0.1:9000/b1/${key}`);
    expect(s3ObjectUrl({ bucket: 'b1', endpoint: 'https://minio.example/s3', region: 'x' }, key)).toBe(`https://minio.example/s3/b1/${key}`);
    expect(s3ObjectUrl({ bucket: 'parley-media', endpoint: null, region: 'eu-west-1' }, key)).toBe(`https://parley-media.s3.eu-west-1.amazonaws.com/${key}`);
    expect(s3ObjectUrl({ bucket: 'media.shop.example', endpoint: null, region: 'eu-west-1' }, key)).toBe(`https://s3.eu-west-1.amazonaws.com/media.shop.example/${key}`);
  });

  it('signs like AWS: the GET Bucket lifecycle example of the SigV4 documentation', async () => {
    // s3rver does not verify SigV4, so this is where a signing mistake would show.
    const aws = new AwsClient({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', service: 's3', region: 'us-east-1' });
    const emptyHash = sha256(new Uint8Array());
    const req = await aws.sign('https://examplebucket.s3.amazonaws.com/?lifecycle', {
      method: 'GET',
      headers: { 'x-amz-content-sha256': emptyHash },
      aws: { datetime: '20130524T000000Z' },
    });
    expect(req.headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
  });
});

describe('S3 media storage against s3rver', () => {
  it('stores content under its sha256, streams it back and deletes it', async () => {
    const storage = createS3MediaStorage(config());
    const bytes = new Uint8Array(randomBytes(1000));
    const key = sha256(bytes);
    await storage.put(key, bytes);
    expect(existsSync(storedAt(key))).toBe(true);
    const file = await storage.open(key);
    expect(file?.size).toBe(1000);
    expect(Buffer.concat(await chunksOf(file!.stream)).equals(bytes)).toBe(true);
    await storage.delete(key);
    expect(existsSync(storedAt(key))).toBe(false);
    expect(await storage.open(key)).toBeNull();
    await storage.delete(key); // deleting what is gone is fine
  });

  it('asks HEAD first and never uploads the same content twice', async () => {
    const rec = recordingFetch();
    const storage = createS3MediaStorage(config(), { fetch: rec.fetch });
    const bytes = new TextEncoder().encode('the same photo, forwarded twice');
    const key = sha256(bytes);
    await storage.put(key, bytes);
    await storage.put(key, bytes);
    await Promise.all([storage.put(key, bytes), storage.put(key, bytes)]);
    expect(rec.calls).toEqual(['HEAD', 'PUT', 'HEAD', 'HEAD', 'HEAD']);
  });

  it('streams a 5 MB object to the reader in many chunks, not as one buffer', async () => {
    const storage = createS3MediaStorage(config());
    const big = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const key = sha256(big);
    await storage.put(key, big);
    const file = await storage.open(key);
    expect(file?.size).toBe(big.length);
    const chunks = await chunksOf(file!.stream);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(1024 * 1024);
    expect(sha256(Buffer.concat(chunks))).toBe(key);
  });

  it('answers null for content it does not have, and refuses keys that are not a sha256', async () => {
    const storage = createS3MediaStorage(config());
    expect(await storage.open('0'.repeat(64))).toBeNull();
    await expect(storage.open('../secret')).rejects.toThrow(/invalid media key/);
  });

  it('names the variable to check when the access key is wrong (403 InvalidAccessKeyId)', async () => {
    const storage = createS3MediaStorage(config({ accessKeyId: 'NOT-A-KEY' }));
    const bytes = new TextEncoder().encode('x');
    const err = await storage.open(sha256(bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3StorageError);
    expect(err).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    expect((err as Error).message).toMatch(/^S3 GET media\/[0-9a-f]{64} failed: HTTP 403 InvalidAccessKeyId: .*\(check S3_ACCESS_KEY_ID\)$/);
    // put starts with HEAD, whose 403 has no body: still a clear error, never an upload.
    await expect(storage.put(sha256(bytes), bytes)).rejects.toThrow(/HTTP 403 AccessDenied .*S3_ACCESS_KEY_ID/);
  });

  it('names S3_BUCKET when the bucket does not exist, instead of calling the file missing', async () => {
    const storage = createS3MediaStorage(config({ bucket: 'no-such-bucket' }));
    const bytes = new TextEncoder().encode('y');
    await expect(storage.open(sha256(bytes))).rejects.toThrow(/HTTP 404 NoSuchBucket: .*check S3_BUCKET/);
    await expect(storage.put(sha256(bytes), bytes)).rejects.toThrow(/PUT .* NoSuchBucket/);
  });

  it('retries a 503 and a refused connection, then says what failed', async () => {
    const flaky = recordingFetch((_req, n) => (n === 0 ? new Response('<Error><Code>SlowDown</Code></Error>', { status: 503 }) : undefined));
    const storage = createS3MediaStorage(config(), { fetch: flaky.fetch, retryDelayMs: 1 });
    const bytes = new TextEncoder().encode('after a hiccup');
    await storage.put(sha256(bytes), bytes);
    expect(flaky.calls).toEqual(['HEAD', 'HEAD', 'PUT']);

    const down = recordingFetch();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = createS3MediaStorage(config({ endpoint: closed }), { fetch: down.fetch, retries: 1, retryDelayMs: 1 });
    await expect(unreachable.open(sha256(bytes))).rejects.toThrow(/^S3 GET media\/[0-9a-f]{64} at 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
    expect(down.calls).toEqual(['GET', 'GET']);
  });

  it('deleteIfIdle keeps content put recently, deletes idle content, reports missing content', async () => {
    const storage = createS3MediaStorage(config());
    const bytes = new TextEncoder().encode('purge me later');
    const key = sha256(bytes);
    await storage.put(key, bytes);
    expect(await storage.deleteIfIdle(key, 60_000)).toBe('recent');
    expect(existsSync(storedAt(key))).toBe(true);
    // Another Parley process (no memory of the put) goes by S3's Last-Modified.
    expect(await createS3MediaStorage(config()).deleteIfIdle(key, 60_000)).toBe('recent');
    await new Promise((r) => setTimeout(r, 5));
    expect(await storage.deleteIfIdle(key, 1)).toBe('deleted');
    expect(existsSync(storedAt(key))).toBe(false);
    expect(await storage.deleteIfIdle(key, 1)).toBe('missing');
  });
});

describe('Parley media with S3_* set (createDeps → S3 storage)', () => {
  const photo = new Uint8Array(randomBytes(1_500_000));
  // Meta's Graph API for one media id: the metadata call, then the download URL it points at.
  const graph = (async (input: Request | string | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/v24.0/wa-photo-1') {
      return Response.json({ id: 'wa-photo-1', url: 'http://graph.test/download/wa-photo-1', mime_type: 'image/jpeg', sha256: sha256(photo), file_size: photo.length });
    }
    if (url.pathname === '/download/wa-photo-1') return new Response(photo, { headers: { 'content-type': 'image/jpeg' } });
    return new Response('{}', { status: 404 });
  }) as typeof fetch;

  const setUp = async (s3Endpoint: string) => {
    const env = { S3_BUCKET: BUCKET, S3_ENDPOINT: s3Endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
    const t = createTestContext({ env, fetch: graph });
    const channel = t.deps.channels.create({ phoneNumberId: '1000001', accessToken: 'EAAG-test', appSecret: 'secret-1', verifyToken: 'verify-1', graphBaseUrl: 'http://graph.test' });
    t.db.$client
      .prepare(`INSERT INTO media (id, channel_id, direction, wa_media_id, mime_type, state, created_at, updated_at) VALUES ('med_s3', ?, 'inbound', 'wa-photo-1', 'image/jpeg', 'pending', 1, 1)`)
      .run(channel.id);
    const { cookie } = await t.signIn('agent');
    const run = (attempts: number) =>
      downloadMediaJob(t.deps, { mediaId: 'med_s3' }, directJobContext({ id: 1, queue: 'media.download', payload: { mediaId: 'med_s3' }, attempts, maxAttempts: 5, leaseToken: 'lease', createdAt: 1 }, silentLogger));
    const row = () => t.db.$client.prepare(`SELECT state, sha256, size, error FROM media WHERE id = 'med_s3'`).get() as { state: string; sha256: string | null; size: number | null; error: string | null };
    return { t, cookie, run, row };
  };

  it('the download job stores the file in the bucket and the content route streams it from there', async () => {
    const { t, cookie, run, row } = await setUp(endpoint);
    await run(1);
    expect(row()).toMatchObject({ state: 'ready', sha256: sha256(photo), size: photo.length, error: null });
    expect(existsSync(storedAt(sha256(photo)))).toBe(true);

    const res = await t.request('/api/v1/media/med_s3/content', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(photo.length));
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);

    rmSync(storedAt(sha256(photo))); // gone from the bucket behind Parley's back
    expect((await (await t.request('/api/v1/media/med_s3/content', { cookie })).json()).error.code).toBe('media.missing');
  });

  it('with S3 down the job throws (the worker retries it) and the route answers 503, never a crash', async () => {
    const { t, cookie, run, row } = await setUp(`http://127.0.0.1:${await freePort()}`);
    await expect(run(1)).rejects.toThrow(/^S3 HEAD media\/[0-9a-f]{64} at .* failed: .*ECONNREFUSED/);
    expect(row()).toMatchObject({ state: 'pending', error: null });
    await run(5); // the last attempt leaves the reason on the media
    expect(row().state).toBe('failed');
    expect(row().error).toMatch(/^S3 HEAD .*ECONNREFUSED/);

    t.db.$client.prepare(`UPDATE media SET state = 'ready', sha256 = ? WHERE id = 'med_s3'`).run(sha256(photo));
    const res = await t.request('/api/v1/media/med_s3/content', { cookie });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('media.storage_unavailable');
  }, 20_000);
});
