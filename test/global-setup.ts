import { execFileSync } from 'node:child_process';

/** End-to-end tests start the built server; build it once if sources changed. */
export default function setup() {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
}
