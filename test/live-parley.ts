import { Hono } from 'hono';
import { createSimulator, type Simulator, type SimulatorOptions } from '../server/whatsapp/simulator/simulator.js';
import { listen } from '../server/whatsapp/simulator/simulator.testkit.js';
import { freePort, startServer, waitForOk, type ServerProcess } from './server-process.js';

export interface LiveOptions {
  wa: { phoneNumberId: string; wabaId: string; displayPhoneNumber: string };
  secrets: { accessToken: string; appSecret: string; verifyToken: string };
  admin: { email: string; password: string };
  /** Simulator options beyond the identity (status delays, faults…). */
  simulator?: Partial<SimulatorOptions>;
  /** Extra server environment. */
  env?: Record<string, string>;
  /** Runs before the server boots (seed templates, set faults: the boot-time template sync sees them). */
  prepare?: (sim: Simulator) => void;
}

/**
 * The real server process in live mode with the simulator playing Meta over real HTTP (Graph calls one
 * way, signed webhooks the other), signed in as the owner. `restart` brings the server back on the same
 * data directory and port (e.g. after a kill -9).
 */
export async function startLiveParley(o: LiveOptions) {
  const port = await freePort();
  const holder = new Hono();
  let simUrl = '';
  const sim: Simulator = createSimulator({ ...o.wa, ...o.secrets, webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp`, publicBaseUrl: () => simUrl, ...o.simulator });
  o.prepare?.(sim);
  // Every Graph call Parley makes, answered (counts prove what was and was not retried).
  const graphCalls: Array<{ method: string; path: string; status: number; at: number }> = [];
  holder.use('*', async (c, next) => {
    await next();
    graphCalls.push({ method: c.req.method, path: new URL(c.req.url).pathname, status: c.res.status, at: Date.now() });
  });
  holder.route('/', sim.app);
  const simServer = await listen(holder.fetch);
  simUrl = simServer.url;
  const env = {
    PORT: String(port),
    ADMIN_EMAIL: o.admin.email,
    ADMIN_PASSWORD: o.admin.password,
    WA_PHONE_NUMBER_ID: o.wa.phoneNumberId,
    WA_WABA_ID: o.wa.wabaId,
    WA_ACCESS_TOKEN: o.secrets.accessToken,
    WA_APP_SECRET: o.secrets.appSecret,
    WA_VERIFY_TOKEN: o.secrets.verifyToken,
    WA_GRAPH_URL: simServer.url,
    ...o.env,
  };
  const live = {
    sim,
    simUrl: simServer.url,
    graphCalls,
    parley: undefined as unknown as ServerProcess,
    cookie: '',
    /** A JSON (or multipart) request to /api/v1 as the signed-in owner. */
    api(path: string, init: { method?: string; body?: unknown; form?: FormData; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { cookie: live.cookie, origin: live.parley.url, ...init.headers };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${live.parley.url}/api/v1${path}`, {
        method: init.method ?? (init.body !== undefined || init.form ? 'POST' : 'GET'),
        headers,
        body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      });
    },
    async boot(dataDir?: string) {
      live.parley = await startServer(env, dataDir);
      await waitForOk(`${live.parley.url}/readyz`, 20_000).catch((err: Error) => {
        // Say why: the server's own last words (a boot error, a port taken) beat a bare timeout.
        throw new Error(`${err.message}; exit code ${live.parley.proc.exitCode}; server output:\n${live.parley.output().slice(-3000)}`);
      });
      const login = await fetch(`${live.parley.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: live.parley.url }, body: JSON.stringify(o.admin) });
      live.cookie = /parley_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    },
    /** Same data directory and port: what an operator's restart does. */
    restart: () => live.boot(live.parley.dataDir),
    async close() {
      sim.stop();
      await live.parley?.stop();
      await simServer.close();
    },
  };
  await live.boot();
  return live;
}

export type LiveParley = Awaited<ReturnType<typeof startLiveParley>>;
