import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema/teams.js';
import { isWithinBusinessHours, type BusinessHours } from '../rules/rules.models.js';
import { businessHoursKey, normalizeBusinessHours } from './teams.hours.models.js';
import { getSetting, setSetting } from './teams.repository.js';

/** The stored hours of the workspace (teamId null) or a team's own override; null when none are set. */
export function readBusinessHours(db: Db, teamId: string | null): BusinessHours | null {
  return getSetting<BusinessHours | null>(db, businessHoursKey(teamId), null);
}

/**
 * The hours that apply to a team: its own, else the workspace's; null when neither is set (rules then
 * treat the business as always open). `teamId` '' or null asks for the workspace's.
 */
export function effectiveBusinessHours(db: Db, teamId: string | null): BusinessHours | null {
  return (teamId ? readBusinessHours(db, teamId) : null) ?? readBusinessHours(db, null);
}

/** Stores validated hours (from `businessHoursBody`) for the workspace or a team. */
export function saveBusinessHours(db: Db, teamId: string | null, hours: BusinessHours): void {
  setSetting(db, businessHoursKey(teamId), hours);
}

/** Removes a team's own hours: the team follows the workspace's again. Returns whether it had any. */
export function clearTeamBusinessHours(db: Db, teamId: string): boolean {
  return db.delete(settings).where(eq(settings.key, businessHoursKey(teamId))).run().changes > 0;
}

/** Hours as the API shows them (every weekday listed), and whether they are open at `now` (no hours: open). */
export function businessHoursView(hours: BusinessHours | null, now: number) {
  return { hours: hours && normalizeBusinessHours(hours), openNow: hours ? isWithinBusinessHours(hours, now) : true };
}
