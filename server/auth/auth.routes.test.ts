import { describe, expect, it } from 'vitest';
import { createTestContext, sessionCookie } from '../testing.js';

const DAY = 24 * 60 * 60 * 1000;

describe('sign-in and sessions', () => {
  it('signs in, reads /me, signs out', async () => {
    const t = createTestContext();
    const { cookie, email } = await t.signIn('owner');
    const me = await t.request('/api/v1/me', { cookie });
    expect(me.status).toBe(200);
    expect((await me.json()).data).toMatchObject({ email, role: 'owner', authenticatedVia: 'session' });

    const out = await t.request('/api/v1/auth/logout', { method: 'POST', cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/parley_session=;/);
    expect((await t.request('/api/v1/me', { cookie })).status).toBe(401);
  });

  it('sets an HttpOnly SameSite=Lax cookie, Secure only on https', async () => {
    const http = createTestContext();
    await http.deps.users.create({ email: 'a@parley.test', password: 'password-1', role: 'owner' });
    const res = await http.request('/api/v1/auth/login', { body: { email: 'a@parley.test', password: 'password-1' } });
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).not.toMatch(/Secure/);

    const https = createTestContext({ env: { PUBLIC_URL: 'https://crm.example.com' } });
    await https.deps.users.create({ email: 'a@parley.test', password: 'password-1', role: 'owner' });
    const secure = await https.request('/api/v1/auth/login', { body: { email: 'a@parley.test', password: 'password-1' } });
    expect(secure.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const t = createTestContext();
    await t.signIn('owner', 'known@parley.test');
    const wrongPassword = await t.request('/api/v1/auth/login', { body: { email: 'known@parley.test', password: 'nope-nope' } });
    const unknownEmail = await t.request('/api/v1/auth/login', { body: { email: 'ghost@parley.test', password: 'nope-nope' } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknownEmail.json());
    expect(wrongPassword.headers.get('set-cookie')).toBeNull();
  });

  it('rotates the session on login: the old token stops working', async () => {
    const t = createTestContext();
    const { cookie: old, email, password } = await t.signIn('owner');
    const again = await t.request('/api/v1/auth/login', { body: { email, password }, cookie: old });
    const fresh = sessionCookie(again)!;
    expect(fresh).not.toBe(old);
    expect((await t.request('/api/v1/me', { cookie: old })).status).toBe(401);
    expect((await t.request('/api/v1/me', { cookie: fresh })).status).toBe(200);
  });

  it('slides the expiry when used in the last half, and expires when idle for 30 days', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('owner');
    t.clock.advance(10 * DAY);
    const early = await t.request('/api/v1/me', { cookie });
    expect(early.status).toBe(200);
    expect(early.headers.get('set-cookie')).toBeNull(); // not yet due for renewal

    t.clock.advance(10 * DAY); // 20 days in: renewed to now + 30 days
    const renewed = await t.request('/api/v1/me', { cookie });
    expect(renewed.status).toBe(200);
    const expires = /Expires=([^;]+)/.exec(renewed.headers.get('set-cookie')!)![1]!;
    expect(Date.parse(expires)).toBe(Math.floor((t.clock.now() + 30 * DAY) / 1000) * 1000);

    t.clock.advance(29 * DAY);
    expect((await t.request('/api/v1/me', { cookie })).status).toBe(200);
    t.clock.advance(31 * DAY);
    const expired = await t.request('/api/v1/me', { cookie });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('set-cookie')).toMatch(/parley_session=;/);
  });

  it('signs out a disabled user', async () => {
    const t = createTestContext();
    const { cookie, email } = await t.signIn('agent');
    t.db.$client.prepare('UPDATE users SET disabled_at = 1 WHERE email = ?').run(email);
    expect((await t.request('/api/v1/me', { cookie })).status).toBe(401);
  });
});

describe('API tokens', () => {
  it('is shown once, authenticates as its owner, and stops working when revoked', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('admin');
    const created = await t.request('/api/v1/api-tokens', { body: { name: 'zapier' }, cookie });
    expect(created.status).toBe(201);
    const { data } = await created.json();
    expect(data.token).toMatch(/^pk_[a-z2-7]{32}$/);

    const list = await (await t.request('/api/v1/api-tokens', { cookie })).json();
    expect(list.data).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(data.token);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM api_tokens WHERE token_hash = ?').get(data.token)).toEqual({ n: 0 });

    const me = await t.request('/api/v1/me', { token: data.token, headers: { origin: 'https://elsewhere.example' } });
    expect(me.status).toBe(200);
    expect((await me.json()).data).toMatchObject({ role: 'admin', authenticatedVia: 'token' });

    expect((await t.request(`/api/v1/api-tokens/${data.id}`, { method: 'DELETE', cookie })).status).toBe(204);
    const revoked = await t.request('/api/v1/me', { token: data.token });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.code).toBe('auth.unauthenticated');
  });

  it('refuses an expired token and a made-up one', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('owner');
    const expiresAt = new Date(t.clock.now() + 60_000).toISOString();
    const { data } = await (await t.request('/api/v1/api-tokens', { body: { name: 'short', expiresAt }, cookie })).json();
    expect((await t.request('/api/v1/me', { token: data.token })).status).toBe(200);
    t.clock.advance(60_001);
    expect((await t.request('/api/v1/me', { token: data.token })).status).toBe(401);
    expect((await t.request('/api/v1/me', { token: 'pk_' + 'a'.repeat(32) })).status).toBe(401);
    expect((await t.request('/api/v1/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).toBe(401);
  });
});

describe('roles', () => {
  const routes = [
    ['GET', '/api/v1/api-tokens'],
    ['POST', '/api/v1/api-tokens', { name: 'x' }],
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/users', { email: 'new@parley.test', role: 'agent', password: 'password-1' }],
    ['GET', '/api/v1/admin/jobs'],
    ['GET', '/api/v1/admin/jobs/stats'],
  ] as const;

  it.each(routes)('%s %s: 401 signed out, 403 for agents, allowed for admins', async (method, path, body?: unknown) => {
    const t = createTestContext();
    expect((await t.request(path, { method, body })).status).toBe(401);
    const agent = await t.signIn('agent');
    const refused = await t.request(path, { method, body, cookie: agent.cookie });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('auth.forbidden');
    const admin = await t.signIn('admin');
    expect((await t.request(path, { method, body, cookie: admin.cookie })).status).toBeLessThan(300);
  });

  it('lets admins add agents and admins but nobody create an owner', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('admin');
    const ok = await t.request('/api/v1/users', { cookie, body: { email: 'Ana@Parley.test', role: 'agent', password: 'password-1' } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).data).toMatchObject({ email: 'ana@parley.test', role: 'agent' });
    const dup = await t.request('/api/v1/users', { cookie, body: { email: 'ana@parley.test', role: 'agent', password: 'password-1' } });
    expect(dup.status).toBe(409);
    const owner = await t.request('/api/v1/users', { cookie, body: { email: 'boss@parley.test', role: 'owner', password: 'password-1' } });
    expect(owner.status).toBe(400);
    expect((await owner.json()).error.message).toMatch(/^role:/);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated change from another origin or without Origin', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('owner');
    const body = { name: 'x' };
    const foreign = await t.request('/api/v1/api-tokens', { cookie, body, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('auth.csrf_rejected');
    const headers = { 'content-type': 'application/json', cookie };
    const noOrigin = await t.app.request('http://parley.test/api/v1/api-tokens', { method: 'POST', headers, body: JSON.stringify(body) });
    expect(noOrigin.status).toBe(403);
    expect(t.deps.apiTokens.list((await (await t.request('/api/v1/me', { cookie })).json()).data.id)).toHaveLength(0);
    expect((await t.request('/api/v1/api-tokens', { cookie, body })).status).toBe(201);
  });

  it('refuses a cross-site login (login CSRF) but lets scripts log in without Origin', async () => {
    const t = createTestContext();
    await t.deps.users.create({ email: 'o@parley.test', password: 'password-1', role: 'owner' });
    const body = { email: 'o@parley.test', password: 'password-1' };
    expect((await t.request('/api/v1/auth/login', { body, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const curl = await t.app.request('http://parley.test/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(curl.status).toBe(200);
  });
});

describe('login rate limiting', () => {
  const limits = { perAccount: { limit: 3, windowMs: 60_000 }, perIp: { limit: 5, windowMs: 60_000 } };

  it('locks an account after repeated failures, with Retry-After, even for the right password', async () => {
    const t = createTestContext({ loginLimits: limits });
    await t.deps.users.create({ email: 'o@parley.test', password: 'password-1', role: 'owner' });
    for (let i = 0; i < 3; i++) {
      expect((await t.request('/api/v1/auth/login', { body: { email: 'o@parley.test', password: 'wrong-one' } })).status).toBe(401);
    }
    const locked = await t.request('/api/v1/auth/login', { body: { email: 'o@parley.test', password: 'password-1' } });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    expect((await locked.json()).error.code).toBe('auth.too_many_attempts');
    t.clock.advance(60_000);
    expect((await t.request('/api/v1/auth/login', { body: { email: 'o@parley.test', password: 'password-1' } })).status).toBe(200);
  });

  it('limits one address guessing across many accounts', async () => {
    const t = createTestContext({ loginLimits: limits, env: { TRUST_PROXY: 'true' } });
    const from = (ip: string) => ({ 'x-forwarded-for': `203.0.113.9, ${ip}` });
    for (let i = 0; i < 5; i++) {
      const res = await t.request('/api/v1/auth/login', { body: { email: `user${i}@parley.test`, password: 'guess-guess' }, headers: from('198.51.100.7') });
      expect(res.status).toBe(401);
    }
    const blocked = await t.request('/api/v1/auth/login', { body: { email: 'user9@parley.test', password: 'guess-guess' }, headers: from('198.51.100.7') });
    expect(blocked.status).toBe(429);
    const other = await t.request('/api/v1/auth/login', { body: { email: 'user9@parley.test', password: 'guess-guess' }, headers: from('198.51.100.8') });
    expect(other.status).toBe(401);
  });
});

describe('first run', () => {
  it('lets the first visitor create the owner once, signed in at once; later attempts are refused', async () => {
    const t = createTestContext({ env: { WA_PHONE_NUMBER_ID: '1', WA_ACCESS_TOKEN: 't', WA_APP_SECRET: 's', WA_VERIFY_TOKEN: 'v' } });
    expect((await (await t.request('/api/v1/system/status')).json()).data.needsSetup).toBe(true);
    const body = { email: 'Founder@Shop.example', name: 'Founder', password: 'first-run-pass' };
    const [a, b] = await Promise.all([t.request('/api/v1/auth/setup', { body }), t.request('/api/v1/auth/setup', { body: { ...body, email: 'rival@shop.example' } })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const winner = a.status === 201 ? a : b;
    expect((await winner.json()).data.user).toMatchObject({ role: 'owner' });
    const cookie = sessionCookie(winner)!;
    expect((await t.request('/api/v1/me', { cookie })).status).toBe(200);
    expect(t.deps.users.count()).toBe(1);
    expect((await (await t.request('/api/v1/system/status')).json()).data.needsSetup).toBe(false);
    expect((await t.request('/api/v1/auth/setup', { body: { ...body, email: 'late@shop.example' } })).status).toBe(409);
  });
});

describe('invitations', () => {
  it('turns a shared link into a signed-in teammate once; used or expired links are refused', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const created = await t.request('/api/v1/invitations', { cookie: admin.cookie, body: { email: 'New.Agent@shop.example', role: 'agent' } });
    expect(created.status).toBe(201);
    const { url } = (await created.json()).data;
    expect(url).toMatch(/^http:\/\/parley\.test\/invite\/[a-z2-7]{32}$/);
    const token = url.split('/').pop();
    expect(JSON.stringify(t.db.$client.prepare('SELECT * FROM invitations').all())).not.toContain(token);

    expect((await (await t.request(`/api/v1/invitations/by-token/${token}`)).json()).data).toMatchObject({ email: 'new.agent@shop.example', role: 'agent' });
    expect((await t.request(`/api/v1/invitations/by-token/${token}/accept`, { body: { name: 'Nia', password: 'short' } })).status).toBe(400);
    const accepted = await t.request(`/api/v1/invitations/by-token/${token}/accept`, { body: { name: 'Nia', password: 'nia-password-1' } });
    expect(accepted.status).toBe(201);
    const me = await (await t.request('/api/v1/me', { cookie: sessionCookie(accepted)! })).json();
    expect(me.data).toMatchObject({ email: 'new.agent@shop.example', name: 'Nia', role: 'agent' });
    expect((await t.request(`/api/v1/invitations/by-token/${token}/accept`, { body: { name: 'Again', password: 'nia-password-2' } })).status).toBe(404);

    const other = (await (await t.request('/api/v1/invitations', { cookie: admin.cookie, body: { email: 'late@shop.example', role: 'agent' } })).json()).data;
    t.clock.advance(7 * 24 * 3600_000 + 1);
    expect((await t.request(`/api/v1/invitations/by-token/${other.url.split('/').pop()}`)).status).toBe(404);
    const agent = await t.signIn('agent', 'agent2@parley.test');
    expect((await t.request('/api/v1/invitations', { cookie: agent.cookie, body: { email: 'x@y.co', role: 'agent' } })).status).toBe(403);
  });
});

describe('invitation races', () => {
  it('a revoked invitation cannot be accepted even if it was valid when the request started', async () => {
    const t = createTestContext();
    const admin = await t.signIn('admin');
    const { data } = await (await t.request('/api/v1/invitations', { cookie: admin.cookie, body: { email: 'race@shop.example', role: 'agent' } })).json();
    const token = data.url.split('/').pop();
    const accepting = t.request(`/api/v1/invitations/by-token/${token}/accept`, { body: { name: 'Race', password: 'race-password' } });
    await t.request(`/api/v1/invitations/${data.id}`, { method: 'DELETE', cookie: admin.cookie }); // while the password hashes
    expect((await accepting).status).toBe(404);
    expect(t.deps.users.findByEmail('race@shop.example')).toBeNull();
  });
});
