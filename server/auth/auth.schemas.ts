import { z } from 'zod';
import { USER_ROLES } from '../../db/schema/auth.js';
import { MIN_PASSWORD_LENGTH } from './auth.passwords.js';

export const loginBody = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(1024),
});

export const createApiTokenBody = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

export const createUserBody = z.object({
  email: z.email('must be an email address').max(320),
  name: z.string().trim().max(200).optional(),
  role: z.enum(USER_ROLES.filter((r) => r !== 'owner') as ['admin', 'agent']),
  password: passwordSchema,
});

export const setupBody = z.object({
  email: z.email('must be an email address').max(320),
  name: z.string().trim().max(200).optional(),
  password: passwordSchema,
});
