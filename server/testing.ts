import { randomBytes } from 'node:crypto';
import { openTestDb } from '../db/client.js';
import { createApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { createDeps, type AppDeps } from './deps.js';
import type { LoginLimits } from './auth/auth.rate-limit.js';
import { manualClock } from './lib/clock.js';
import type { VapidKeys } from './push/push.keys.js';
import { silentLogger } from './lib/logger.js';

/** A Response whose JSON tests read freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/** Helpers for tests: a fresh in-memory database from the real migrations, a manual clock, no logs. */
export function createTestContext(opts: { env?: Record<string, string>; loginLimits?: LoginLimits; fetch?: typeof fetch; vapid?: VapidKeys } = {}) {
  const config: Config = loadConfig({ PUBLIC_URL: 'http://parley.test', ...opts.env }, '/tmp/parley-test');
  const clock = manualClock(Date.UTC(2026, 10, 23, 9, 0, 0));
  const db = openTestDb();
  const deps: AppDeps = createDeps({ config, db, clock, logger: silentLogger, secretKey: randomBytes(32), loginLimits: opts.loginLimits, pollMs: 5, fetch: opts.fetch, vapid: opts.vapid });
  const app = createApp(deps);
  const origin = new URL(config.publicUrl).origin;

  /** A request as the browser app sends it: same-origin, JSON, with the given cookie or token. */
  const request = (
    path: string,
    init: { method?: string; body?: unknown; cookie?: string; token?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { origin, ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    return app.request(`${origin}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    }) as Promise<JsonResponse>;
  };

  /** Creates a user and signs in; returns the cookie header to send. */
  const signIn = async (role: 'owner' | 'admin' | 'agent' = 'owner', email = `${role}@parley.test`) => {
    const password = 'correct horse battery';
    if (!deps.users.findByEmail(email)) await deps.users.create({ email, password, role });
    const res = await request('/api/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    return { cookie: sessionCookie(res)!, password, email };
  };

  return { config, clock, db, deps, app, request, signIn, origin };
}

/** `parley_session=…` from a response's Set-Cookie, or null. */
export function sessionCookie(res: Response): string | null {
  const header = res.headers.get('set-cookie');
  const match = header && /parley_session=([^;]*)/.exec(header);
  return match ? `parley_session=${match[1]}` : null;
}
