import { afterEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { createJobStore } from './jobs.store.js';
import { createWorker, type Worker } from './jobs.worker.js';

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 50 })));
});

async function until(check: () => boolean, timeoutMs = 3_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('job logs', () => {
  it('carry { job: { id, queue, attempt } } in the handler logger and in the worker lines about the job', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('debug', {}, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const store = createJobStore(openTestDb(), manualClock());
    const worker = createWorker({ store, clock: manualClock(), logger, pollMs: 5, random: () => 1 });
    workers.push(worker);
    worker.register('demo.greet', (_p, ctx) => {
      ctx.logger.info('greeting');
      throw new Error('not today');
    });
    const id = store.enqueue('demo.greet', {}, { maxAttempts: 3 });
    worker.start();
    await until(() => lines.some((l) => l.msg === 'job failed, will retry'));
    const expected = { job: { id, queue: 'demo.greet', attempt: 1 } };
    expect(lines.find((l) => l.msg === 'greeting')).toMatchObject({ level: 'info', ...expected });
    expect(lines.find((l) => l.msg === 'job failed, will retry')).toMatchObject({ level: 'warn', ...expected, err: { message: 'not today' } });
  });

  it('LOG_LEVEL filters: a warn logger drops debug and info lines, children included', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', {}, (line) => lines.push(line));
    const child = logger.child({ job: { id: 1 } });
    logger.info('dropped');
    child.debug('dropped too');
    child.warn('kept');
    logger.error('kept too');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['kept', 'kept too']);
  });
});
