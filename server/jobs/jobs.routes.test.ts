import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';

describe('dead jobs admin API', () => {
  async function withDeadJob() {
    const t = createTestContext();
    const { cookie } = await t.signIn('admin');
    const id = t.deps.jobs.enqueue('media.download', { mediaId: 'm1' }, { maxAttempts: 1 })!;
    const [run] = t.deps.jobs.claim('media.download', 1, 1_000);
    t.deps.jobs.fail(run!, 'Error: 404 from Graph', { retryAt: t.clock.now() });
    const ok = t.deps.jobs.enqueue('media.download', { mediaId: 'm2' })!;
    return { t, cookie, id, ok };
  }

  it('lists dead jobs with their last error, paged by cursor', async () => {
    const { t, cookie, id } = await withDeadJob();
    const res = await t.request('/api/v1/admin/jobs?state=dead', { cookie });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.data).toEqual([
      expect.objectContaining({ id: String(id), state: 'dead', lastError: 'Error: 404 from Graph', payload: { mediaId: 'm1' }, attempts: 1 }),
    ]);
    expect(json.nextCursor).toBeNull();

    const page1 = await (await t.request('/api/v1/admin/jobs?limit=1', { cookie })).json();
    expect(page1.data).toHaveLength(1);
    const page2 = await (await t.request(`/api/v1/admin/jobs?limit=1&cursor=${page1.nextCursor}`, { cookie })).json();
    expect(page2.data[0].id).not.toBe(page1.data[0].id);
  });

  it('retries a dead job and refuses to retry a live one', async () => {
    const { t, cookie, id, ok } = await withDeadJob();
    const retried = await t.request(`/api/v1/admin/jobs/${id}/retry`, { method: 'POST', cookie });
    expect(retried.status).toBe(200);
    expect((await retried.json()).data).toMatchObject({ state: 'queued', attempts: 0 });
    expect(t.deps.jobs.claim('media.download', 5, 1_000).map((j) => j.id)).toContain(id);

    const refused = await t.request(`/api/v1/admin/jobs/${ok}/retry`, { method: 'POST', cookie });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('jobs.not_dead');
    expect((await t.request('/api/v1/admin/jobs/999999/retry', { method: 'POST', cookie })).status).toBe(404);
    expect((await t.request('/api/v1/admin/jobs/abc', { cookie })).status).toBe(404);
  });

  it('validates filters', async () => {
    const { t, cookie } = await withDeadJob();
    const res = await t.request('/api/v1/admin/jobs?state=exploded', { cookie });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^state:/);
  });
});
