import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** Contact for push services: mailto: or https. */
  subject: string;
}

/** The VAPID key pair that signs Web Push messages: DATA_DIR/vapid.json, generated (0600) on first boot. */
export function loadVapidKeys(dataDir: string, subject: string): VapidKeys {
  const file = join(dataDir, 'vapid.json');
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(webpush.generateVAPIDKeys()) + '\n', { mode: 0o600, flag: 'wx' });
  const keys = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  return { ...keys, subject };
}
