// npm run reset-password -- --email ana@example.com --password '…'   (signs the user out everywhere)
import { MIN_PASSWORD_LENGTH } from '../server/auth/auth.passwords.js';
import { exit, flags, openOperatorDb, operatorStores } from './cli.js';

const usage = 'npm run reset-password -- --email EMAIL --password NEW_PASSWORD';
const args = flags({ email: { type: 'string' }, password: { type: 'string' } }, usage);
if (!args.email) exit(`--email is required\nUsage: ${usage}`);
if (!args.password || args.password.length < MIN_PASSWORD_LENGTH) exit(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`);

const db = openOperatorDb();
try {
  const { users, sessions } = operatorStores(db);
  const user = users.findByEmail(args.email);
  if (!user) exit(`No user with email ${args.email}.`);
  await users.setPassword(user.id, args.password);
  sessions.invalidateAllForUser(user.id);
  console.log(`Password reset for ${user.email}; their sessions were signed out.`);
} finally {
  db.$client.close();
}
