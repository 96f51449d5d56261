import type { AppDeps } from '../deps.js';

/** The sandbox's demo owner: created only in sandbox mode on an empty database without ADMIN_EMAIL. */
export const DEMO_LOGIN = { email: 'demo@parley.local', password: 'parley-demo' } as const;

/**
 * First boot: with no user yet, create the owner from ADMIN_EMAIL/ADMIN_PASSWORD, or in sandbox mode the
 * demo owner whose login the sign-in page shows. Later boots change nothing.
 */
export async function ensureOwner(deps: Pick<AppDeps, 'users' | 'config' | 'logger'>): Promise<void> {
  if (deps.users.count() > 0) return;
  if (deps.config.admin) {
    const owner = await deps.users.create({ ...deps.config.admin, name: 'Owner', role: 'owner' });
    deps.logger.info('owner account created from ADMIN_EMAIL', { email: owner.email });
  } else if (deps.config.mode === 'sandbox') {
    await deps.users.create({ ...DEMO_LOGIN, name: 'Demo Owner', role: 'owner' });
    deps.logger.info('sandbox: demo owner created', { email: DEMO_LOGIN.email });
  } else {
    deps.logger.warn('no user exists: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run create-user`');
  }
}
