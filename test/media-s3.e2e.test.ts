import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { startS3rver } from './s3rver.js';
import { bodyOf } from './server-process.js';
import { eventually } from './live-checks.js';

// The real server process with S3_* pointing at s3rver: customer media goes to the bucket, not DATA_DIR/media.
const BUCKET = 'parley-e2e-media';
let s3: Awaited<ReturnType<typeof startS3rver>>;
let live: LiveParley;

beforeAll(async () => {
  s3 = await startS3rver(BUCKET);
  live = await startLiveParley({
    wa: { phoneNumberId: '106540352242923', wabaId: '102290129340399', displayPhoneNumber: '15550783882' },
    secrets: { accessToken: 'EAAG-s3-token', appSecret: 's3-app-secret', verifyToken: 's3-verify-token' },
    admin: { email: 'owner@s3.example', password: 's3-owner-password' },
    env: { S3_BUCKET: BUCKET, S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey },
  });
}, 60_000);

afterAll(async () => {
  await live?.close();
  await s3?.close();
});


const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [e.name])) : [];

describe('media on S3 end to end (real process + simulator + s3rver)', () => {
  it('stores an inbound photo in the bucket and streams it back to a signed-in user', async () => {
    const photo = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const hex = createHash('sha256').update(photo).digest('hex');
    await live.sim.customer.sendMedia({ from: '14155550190', name: 'Bea', kind: 'image', bytes: photo, mimeType: 'image/jpeg', caption: 'the parcel' });
    const conv = await eventually(
      async () => (await bodyOf(await live.api('/conversations'))).data.find((c: { contact: { waId: string } }) => c.contact.waId === '14155550190'),
      (v) => Boolean(v),
    );
    const [msg] = await eventually(async () => (await bodyOf(await live.api(`/conversations/${conv.id}/messages`))).data, (m) => m[0]?.media?.state === 'ready');
    expect(msg.media).toMatchObject({ sha256: hex, size: photo.length });
    expect(existsSync(s3.pathOf(`media/${hex}`))).toBe(true);
    expect(filesUnder(join(live.parley.dataDir, 'media'))).toEqual([]);

    const res = await live.api(msg.media.url.replace('/api/v1', ''));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(photo.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    expect((await fetch(`${live.parley.url}${msg.media.url}`)).status).toBe(401);
  });
});
