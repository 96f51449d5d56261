import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from './lib/logger.js';

/** A bad environment variable; the boot prints `message` on one line and exits 1. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Configuration error: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export interface WhatsAppBootstrap {
  phoneNumberId: string;
  wabaId: string | null;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface S3Config {
  bucket: string;
  endpoint: string | null;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  /** Cookies get `Secure` when Parley is served over https. */
  secureCookies: boolean;
  admin: { email: string; password: string } | null;
  /** `sandbox` when no WA_* variable is set: the built-in simulator plays Meta's part. */
  mode: 'sandbox' | 'live';
  whatsapp: WhatsAppBootstrap | null;
  graphUrl: string;
  graphVersion: string;
  s3: S3Config | null;
  logLevel: LogLevel;
  /** 64 hex chars; when unset the key lives in DATA_DIR/secret.key. */
  secretKey: string | null;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For's last hop. */
  trustProxy: boolean;
  /** Bearer token for `GET /metrics` (Prometheus); null: only owner/admin sessions may scrape. */
  metricsToken: string | null;
  /** The boot refuses to start with less free disk space than this in DATA_DIR (0: no check). */
  minFreeDiskMb: number;
}

type Env = Record<string, string | undefined>;

const WA_VARS = ['WA_PHONE_NUMBER_ID', 'WA_WABA_ID', 'WA_ACCESS_TOKEN', 'WA_APP_SECRET', 'WA_VERIFY_TOKEN'] as const;
const WA_REQUIRED = ['WA_PHONE_NUMBER_ID', 'WA_ACCESS_TOKEN', 'WA_APP_SECRET', 'WA_VERIFY_TOKEN'] as const;

/** Parses and validates the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };

  const port = parsePort(get('PORT'));
  const host = get('HOST') ?? '0.0.0.0';
  const dataDir = resolve(cwd, get('DATA_DIR') ?? './data');
  const publicUrl = parseUrl('PUBLIC_URL', get('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');

  const adminEmail = get('ADMIN_EMAIL');
  const adminPassword = env.ADMIN_PASSWORD;
  let admin: Config['admin'] = null;
  if (adminEmail) {
    if (!isEmail(adminEmail)) throw new ConfigError('ADMIN_EMAIL', `must be an email address (got "${adminEmail}")`);
    if (!adminPassword) throw new ConfigError('ADMIN_PASSWORD', 'must be set when ADMIN_EMAIL is set');
    if (adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD', 'must be at least 8 characters');
    admin = { email: adminEmail.toLowerCase(), password: adminPassword };
  } else if (adminPassword) {
    throw new ConfigError('ADMIN_EMAIL', 'must be set when ADMIN_PASSWORD is set');
  }

  let whatsapp: WhatsAppBootstrap | null = null;
  if (WA_VARS.some((name) => get(name))) {
    const missing = WA_REQUIRED.find((name) => !get(name));
    if (missing) throw new ConfigError(missing, 'must be set when any WA_* variable is set (or unset them all for sandbox mode)');
    const phoneNumberId = get('WA_PHONE_NUMBER_ID')!;
    if (!/^\d+$/.test(phoneNumberId)) throw new ConfigError('WA_PHONE_NUMBER_ID', `must be digits (got "${phoneNumberId}")`);
    const wabaId = get('WA_WABA_ID') ?? null;
    if (wabaId && !/^\d+$/.test(wabaId)) throw new ConfigError('WA_WABA_ID', `must be digits (got "${wabaId}")`);
    whatsapp = {
      phoneNumberId,
      wabaId,
      accessToken: get('WA_ACCESS_TOKEN')!,
      appSecret: get('WA_APP_SECRET')!,
      verifyToken: get('WA_VERIFY_TOKEN')!,
    };
  }

  const graphUrl = parseUrl('WA_GRAPH_URL', get('WA_GRAPH_URL') ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  const graphVersion = get('WA_GRAPH_VERSION') ?? 'v24.0';
  if (!/^v\d+\.\d+$/.test(graphVersion)) throw new ConfigError('WA_GRAPH_VERSION', `must look like v24.0 (got "${graphVersion}")`);

  let s3: S3Config | null = null;
  const bucket = get('S3_BUCKET');
  if (bucket) {
    for (const name of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!get(name)) throw new ConfigError(name, 'must be set when S3_BUCKET is set');
    }
    const endpoint = get('S3_ENDPOINT');
    const region = get('S3_REGION') ?? 'us-east-1';
    // Part of the AWS host name and of every signature: catch a typo here, not on the first upload.
    if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError('S3_REGION', `must look like eu-west-1 (got "${region}")`);
    s3 = {
      bucket,
      endpoint: endpoint ? parseUrl('S3_ENDPOINT', endpoint) : null,
      region,
      accessKeyId: get('S3_ACCESS_KEY_ID')!,
      secretAccessKey: get('S3_SECRET_ACCESS_KEY')!,
    };
  } else {
    const stray = (['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).find((name) => get(name));
    if (stray) throw new ConfigError('S3_BUCKET', `must be set when ${stray} is set`);
  }

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const secretKey = get('SECRET_KEY') ?? null;
  if (secretKey && !/^[0-9a-fA-F]{64}$/.test(secretKey)) {
    throw new ConfigError('SECRET_KEY', 'must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`');
  }

  const trustProxyRaw = (get('TRUST_PROXY') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(trustProxyRaw)) {
    throw new ConfigError('TRUST_PROXY', `must be true or false (got "${trustProxyRaw}")`);
  }

  const metricsToken = get('METRICS_TOKEN') ?? null;
  // It goes in a scraper's config file and over the wire: long and header-safe, so it cannot be guessed.
  if (metricsToken && !/^[\x21-\x7e]{24,}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 24 printable characters without spaces, e.g. from `openssl rand -hex 32`');
  }

  const minFreeRaw = get('MIN_FREE_DISK_MB') ?? '50';
  if (!/^\d+$/.test(minFreeRaw)) throw new ConfigError('MIN_FREE_DISK_MB', `must be a whole number of megabytes, 0 to skip the check (got "${minFreeRaw}")`);

  return {
    port,
    host,
    dataDir,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    admin,
    mode: whatsapp ? 'live' : 'sandbox',
    whatsapp,
    graphUrl,
    graphVersion,
    s3,
    logLevel: logLevel as LogLevel,
    secretKey: secretKey?.toLowerCase() ?? null,
    trustProxy: trustProxyRaw === 'true' || trustProxyRaw === '1',
    metricsToken,
    minFreeDiskMb: Number(minFreeRaw),
  };
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 3000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
    throw new ConfigError('PORT', `must be an integer between 1 and 65535 (got "${raw}")`);
  }
  return n;
}

function parseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http or https URL (got "${raw}")`);
  }
  return url.toString();
}

/** Deliberately loose: one @, something on each side, a dot in the domain part. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}
