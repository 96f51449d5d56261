import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../../auth/auth.middleware.js';
import { readJson, type AppEnv } from '../../lib/http.js';
import type { Sandbox } from './sandbox.js';

const inboundBody = z.object({
  from: z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number in international format').default('+14155550199'),
  name: z.string().trim().min(1).max(100).default('Sandbox Customer'),
  text: z.string().trim().min(1, 'is required').max(4096),
});

/** Sandbox only: type as a customer. The message goes through the simulator and the signed webhook path. */
export function createSandboxRoutes(sandbox: Sandbox) {
  return new Hono<AppEnv>().post('/sandbox/inbound', requireAuth, async (c) => {
    const body = await readJson(c, inboundBody);
    const waMessageId = await sandbox.simulator.customer.sendText({ from: body.from.replace(/^\+/, ''), name: body.name, text: body.text });
    return c.json({ data: { waMessageId } }, 202);
  });
}
