import type { Db } from '../db/client.js';
import { createApiTokenStore, type ApiTokenStore } from './auth/auth.tokens.js';
import { createLoginLimiter, type LoginLimiter, type LoginLimits } from './auth/auth.rate-limit.js';
import { createSessionStore, type SessionStore } from './auth/auth.sessions.js';
import { createUserStore, type UserStore } from './auth/auth.users.js';
import type { Config } from './config.js';
import { createJobStore, type JobStore } from './jobs/jobs.store.js';
import { createWorker, type Worker } from './jobs/jobs.worker.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';

/** Everything routes and usecases need, passed explicitly (no module singletons). */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobStore;
  worker: Worker;
  users: UserStore;
  sessions: SessionStore;
  apiTokens: ApiTokenStore;
  loginLimiter: LoginLimiter;
  /** Folder of the built web app (index.html + assets), or null when not built. */
  webRoot: string | null;
}

/** Wires the stores over one database; tests pass their own clock, limits and a silent logger. */
export function createDeps(input: {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  webRoot?: string | null;
  loginLimits?: LoginLimits;
  pollMs?: number;
}): AppDeps {
  const { config, db, clock, logger } = input;
  const jobs = createJobStore(db, clock);
  return {
    config,
    db,
    clock,
    logger,
    jobs,
    worker: createWorker({ store: jobs, clock, logger, pollMs: input.pollMs }),
    users: createUserStore(db, clock),
    sessions: createSessionStore(db, clock),
    apiTokens: createApiTokenStore(db, clock),
    loginLimiter: createLoginLimiter(clock, input.loginLimits),
    webRoot: input.webRoot ?? null,
  };
}
