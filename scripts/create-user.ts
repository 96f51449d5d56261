// npm run create-user -- --email ana@example.com --password '…' [--role owner|admin|agent] [--name Ana]
import { USER_ROLES, type UserRole } from '../db/schema/auth.js';
import { MIN_PASSWORD_LENGTH } from '../server/auth/auth.passwords.js';
import { isEmail } from '../server/config.js';
import { AppError } from '../server/lib/errors.js';
import { exit, flags, openOperatorDb, operatorStores } from './cli.js';

const usage = 'npm run create-user -- --email EMAIL --password PASSWORD [--role owner|admin|agent] [--name NAME]';
const args = flags({ email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } }, usage);

if (!args.email || !isEmail(args.email)) exit(`--email must be an email address\nUsage: ${usage}`);
if (!args.password || args.password.length < MIN_PASSWORD_LENGTH) exit(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`);
const role = (args.role ?? 'agent') as UserRole;
if (!USER_ROLES.includes(role)) exit(`--role must be one of ${USER_ROLES.join(', ')}`);

const db = openOperatorDb();
try {
  const user = await operatorStores(db).users.create({ email: args.email, password: args.password, role, name: args.name });
  console.log(`Created ${user.role} ${user.email} (${user.id}).`);
} catch (err) {
  exit(err instanceof AppError ? err.message : String(err));
} finally {
  db.$client.close();
}
