import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
// s3rver ships no types; this is the part of its API the tests use.
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => S3rverServer;

/**
 * A real S3-compatible server for tests (s3rver, a devDependency): loopback, random port, objects as files
 * in a temp dir. It checks the access key id (S3RVER) but does not verify SigV4 signatures.
 */
export async function startS3rver(bucket: string) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    /** Where s3rver keeps an object's bytes. */
    pathOf: (key: string) => join(dir, bucket, ...key.split('/').slice(0, -1), `${key.split('/').pop()}._S3rver_object`),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
