// Pieces of bench/webhooks shared with bench/scale: the bare/Parley intake servers pinned to core 0 and
// autocannon on core 1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = import.meta.dirname;
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
/** Whether `taskset` works here: the server gets core 0 and the load generator core 1. */
export const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** One autocannon run: mean req/s, latency percentiles in ms, and the count of non-2xx answers and errors. */
export interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** `[command, args]` that runs `args` on one core when taskset is available. */
export const pin = (core: number, args: string[]) => (pinned ? ['taskset', ['-c', String(core), ...args]] : [args[0]!, args.slice(1)]) as [string, string[]];

/** Starts bench/webhook-server in `mode` on core 0 and resolves once it listens. */
export async function startServer(mode: 'bare' | 'durable' | 'parley', port: number): Promise<ChildProcess> {
  const [cmd, args] = pin(0, [process.execPath, join(here, 'webhook-server.js'), mode, String(port)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return child;
}

/** POSTs the signed body in `bodyFile` to `url` from `connections` connections for `seconds`, on core 1. */
export function load(url: string, bodyFile: string, signature: string, seconds: number, connections: number): Promise<Load> {
  const [cmd, args] = pin(1, [process.execPath, autocannonBin, '-j', '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-H', `x-hub-signature-256=${signature}`, '-i', bodyFile, url]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors });
      } catch (err) {
        reject(new Error(`autocannon output unreadable: ${out.slice(0, 200)} (${String(err)})`));
      }
    });
  });
}
