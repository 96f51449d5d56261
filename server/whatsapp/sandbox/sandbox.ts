import { randomBytes } from 'node:crypto';
import type { ChannelRepository } from '../../channels/channels.repository.js';
import { createSimulator, type Simulator } from '../simulator/simulator.js';
import { extraTemplates } from '../simulator/simulator.templates.js';

/** The sandbox channel's fixed ids (Meta ids are digit strings; these never collide with real ones). */
export const SANDBOX_CHANNEL = { phoneNumberId: '100000000000001', wabaId: '100000000000002', displayPhoneNumber: '15550001234' } as const;

export interface Sandbox {
  simulator: Simulator;
  channelId: string;
}

/**
 * Sandbox mode: the simulator plays Meta inside this process, mounted at /sandbox/graph, and the sandbox
 * channel points its Graph base URL there. Everything still crosses real HTTP (Graph calls and signed
 * webhooks), so the sandbox exercises exactly the code that talks to Meta.
 */
export function createSandbox(deps: { channels: ChannelRepository; baseUrl: string; graphVersion: string }): Sandbox {
  const secrets = { accessToken: `sandbox-${randomBytes(16).toString('hex')}`, appSecret: randomBytes(16).toString('hex'), verifyToken: randomBytes(12).toString('hex') };
  const graphBaseUrl = `${deps.baseUrl}/sandbox/graph`;
  const simulator = createSimulator({
    ...SANDBOX_CHANNEL,
    accessToken: secrets.accessToken,
    appSecret: secrets.appSecret,
    webhookUrl: `${deps.baseUrl}/webhooks/whatsapp`,
    publicBaseUrl: graphBaseUrl,
  });
  // The demo shows every kind of template: named parameters, URL and coupon buttons, a second language.
  simulator.templates.push(...extraTemplates());
  const channel = deps.channels.upsert({ ...SANDBOX_CHANNEL, name: 'Sandbox', ...secrets, graphBaseUrl, graphVersion: deps.graphVersion, sandbox: true });
  return { simulator, channelId: channel.id };
}

/**
 * Plays Meta saving the callback URL in the App Dashboard: the `hub.challenge` handshake against Parley's
 * own webhook route, so the setup check sees the sandbox's webhook verified. Resolves true when verified.
 */
export async function verifySandboxWebhook(sandbox: Sandbox, channels: Pick<ChannelRepository, 'byId'>): Promise<boolean> {
  const channel = channels.byId(sandbox.channelId);
  return channel ? (await sandbox.simulator.verifyWebhook(channel.verifyToken)).verified : false;
}

/** A few customers writing in, so a fresh sandbox has conversations to explore. Sent through the webhook path. */
export async function seedSandboxConversations(sandbox: Sandbox): Promise<void> {
  const c = sandbox.simulator.customer;
  await c.sendText({ from: '14155550101', name: 'Maya Chen', text: 'Hi! Do you still have the linen shirt in medium? 👕' });
  await c.sendText({ from: '447700900123', name: 'Oliver Hughes', text: 'Hello, my order #1042 has not arrived yet. Can you check?' });
  await c.sendLocation({ from: '447700900123', name: 'Oliver Hughes', latitude: 51.5072, longitude: -0.1276, placeName: 'Home', address: '10 Example Street, London' });
  await c.sendText({ from: '5511987650000', name: 'Lúcia Alves', text: 'Olá! Vocês entregam em São Paulo? Quanto custa o frete?' });
}
