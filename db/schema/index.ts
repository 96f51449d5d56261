export * from './auth.js';
export * from './contacts.js';
export * from './inbox.js';
export * from './jobs.js';
export * from './whatsapp.js';
export * from './push.js';
export * from './teams.js';
export * from './tasks.js';
