#!/usr/bin/env node
// Builds what is missing or older than its sources, so `npm start` works on a fresh clone and after a pull.
// In the Docker image the sources are absent and dist/ is prebuilt: nothing to do.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(paths) {
  let max = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') walk(join(p, name));
    } else if (!p.endsWith('.test.ts')) max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) walk(join(root, p));
  return max;
}

const mtime = (p) => (existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0);

const targets = [
  {
    name: 'server',
    output: 'dist/server/main.js',
    sources: ['server', 'db/schema', 'db/client.ts', 'scripts', 'bench', 'tsconfig.json', 'tsconfig.build.json'],
    bin: 'tsc',
    args: ['-p', 'tsconfig.build.json'],
  },
  { name: 'web', output: 'dist/web/index.html', sources: ['web', 'vite.config.ts'], bin: 'vite', args: ['build', '--logLevel', 'warn'] },
];

for (const t of targets) {
  const built = mtime(t.output);
  const src = newest(t.sources);
  if (built && built >= src) continue;
  const bin = join(root, 'node_modules', '.bin', t.bin);
  if (!existsSync(bin)) {
    if (built) continue; // production install: trust the shipped build
    console.error(`Cannot build ${t.name}: ${t.bin} is not installed. Run \`npm install\` first.`);
    process.exit(1);
  }
  console.error(`Building ${t.name}…`);
  execFileSync(bin, t.args, { cwd: root, stdio: 'inherit' });
}
