import { api } from '../../lib/api/client';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Opening hours as the server stores them: per weekday `[from, to]` ranges in local time (to may be "24:00"). */
export interface BusinessHours {
  timezone: string;
  week: Partial<Record<Weekday, [string, string][]>>;
  holidays: string[];
}

/** The workspace's hours (null: none set, rules treat it as always open). */
export interface HoursView {
  hours: BusinessHours | null;
  openNow: boolean;
}

/** A team's own hours (null: it follows the workspace's) and the hours that apply to it. */
export interface TeamHoursView extends HoursView {
  teamId: string;
  followsWorkspace: boolean;
  effective: HoursView;
}

export const fetchWorkspaceHours = () => api<HoursView>('/settings/business-hours');
export const saveWorkspaceHours = (body: BusinessHours) => api<HoursView>('/settings/business-hours', { method: 'PUT', body });
export const fetchTeamHours = (teamId: string) => api<TeamHoursView>(`/teams/${teamId}/business-hours`);
export const saveTeamHours = (teamId: string, body: BusinessHours) => api<TeamHoursView>(`/teams/${teamId}/business-hours`, { method: 'PUT', body });
/** The team follows the workspace's hours again. */
export const followWorkspaceHours = (teamId: string) => api<TeamHoursView>(`/teams/${teamId}/business-hours`, { method: 'DELETE' });
