import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const wa = {
  WA_PHONE_NUMBER_ID: '106540352242922',
  WA_ACCESS_TOKEN: 'EAAG-token',
  WA_APP_SECRET: 'app-secret',
  WA_VERIFY_TOKEN: 'verify-me',
};

describe('loadConfig', () => {
  it('defaults to sandbox mode on port 3000 with ./data', () => {
    const c = loadConfig({}, '/srv/parley');
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/parley/data',
      publicUrl: 'http://localhost:3000',
      secureCookies: false,
      mode: 'sandbox',
      whatsapp: null,
      graphUrl: 'https://graph.facebook.com',
      graphVersion: 'v24.0',
      logLevel: 'info',
      admin: null,
    });
  });

  it('goes live with a complete WA_* set and secures cookies on https', () => {
    const c = loadConfig({ ...wa, PUBLIC_URL: 'https://crm.example.com/', ADMIN_EMAIL: 'Owner@Example.com', ADMIN_PASSWORD: 'longenough' });
    expect(c.mode).toBe('live');
    expect(c.whatsapp).toMatchObject({ phoneNumberId: '106540352242922', wabaId: null });
    expect(c.publicUrl).toBe('https://crm.example.com');
    expect(c.secureCookies).toBe(true);
    expect(c.admin).toEqual({ email: 'owner@example.com', password: 'longenough' });
  });

  it('asks for 50 MB free in DATA_DIR at boot unless MIN_FREE_DISK_MB says otherwise (0: no check)', () => {
    expect(loadConfig({}).minFreeDiskMb).toBe(50);
    expect(loadConfig({ MIN_FREE_DISK_MB: '0' }).minFreeDiskMb).toBe(0);
    expect(loadConfig({ MIN_FREE_DISK_MB: '2048' }).minFreeDiskMb).toBe(2048);
  });

  it('reads METRICS_TOKEN (trimmed), and leaves it null when unset', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: '  0123456789abcdef0123456789abcdef  ' }).metricsToken).toBe('0123456789abcdef0123456789abcdef');
  });

  it('reads S3_* into config.s3: no bucket means local media, region defaults to us-east-1', () => {
    expect(loadConfig({}).s3).toBeNull();
    const keys = { S3_ACCESS_KEY_ID: 'AKIA-TEST', S3_SECRET_ACCESS_KEY: 'secret-test' };
    expect(loadConfig({ S3_BUCKET: 'parley-media', ...keys }).s3).toEqual({ bucket: 'parley-media', endpoint: null, region: 'us-east-1', accessKeyId: 'AKIA-TEST', secretAccessKey: 'secret-test' });
    expect(loadConfig({ S3_BUCKET: 'm', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'auto', ...keys }).s3).toMatchObject({ endpoint: 'http://127.0.0.1:9000/', region: 'auto' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://x.example' }, 'PUBLIC_URL'],
    [{ ADMIN_EMAIL: 'nope' }, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'a@b.co' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_PASSWORD: 'orphaned-password' }, 'ADMIN_EMAIL'],
    [{ WA_PHONE_NUMBER_ID: '123' }, 'WA_ACCESS_TOKEN'],
    [{ ...wa, WA_PHONE_NUMBER_ID: '+1 555' }, 'WA_PHONE_NUMBER_ID'],
    [{ ...wa, WA_WABA_ID: 'abc' }, 'WA_WABA_ID'],
    [{ WA_GRAPH_VERSION: '24' }, 'WA_GRAPH_VERSION'],
    [{ WA_GRAPH_URL: 'graph' }, 'WA_GRAPH_URL'],
    [{ S3_BUCKET: 'media' }, 'S3_ACCESS_KEY_ID'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a' }, 'S3_SECRET_ACCESS_KEY'],
    [{ S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_REGION: 'EU West' }, 'S3_REGION'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SECRET_KEY: 'abc' }, 'SECRET_KEY'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ MIN_FREE_DISK_MB: '50MB' }, 'MIN_FREE_DISK_MB'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: 'has a space but is long enough to pass' }, 'METRICS_TOKEN'],
  ])('refuses %o naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^Configuration error: ${variable} `));
  });
});
