import { api } from '../../lib/api/client';

export interface Task {
  id: string;
  title: string;
  notes: string | null;
  dueAt: string | null;
  assigneeId: string | null;
  contactId: string | null;
  conversationId: string | null;
  dealId: string | null;
  done: boolean;
  doneAt: string | null;
  remindedAt: string | null;
  createdBy: string | null;
  createdAt: string;
}

export type TaskTab = 'mine' | 'today' | 'overdue' | 'open' | 'done';

export const TASK_TABS: { id: TaskTab; label: string; query: string }[] = [
  { id: 'mine', label: 'Mine', query: 'assignee=me&done=false' },
  { id: 'today', label: 'Due today', query: 'due=today' },
  { id: 'overdue', label: 'Overdue', query: 'due=overdue' },
  { id: 'open', label: 'All open', query: 'done=false' },
  { id: 'done', label: 'Done', query: 'done=true' },
];
export const isTaskTab = (v: unknown): v is TaskTab => TASK_TABS.some((t) => t.id === v);

export const fetchTasks = (tab: TaskTab) => api<Task[]>(`/tasks?${TASK_TABS.find((t) => t.id === tab)!.query}&limit=200`);
export const createTask = (body: { title: string; dueAt?: string; assigneeId?: string; conversationId?: string }) => api<Task>('/tasks', { method: 'POST', body });
export const updateTask = (id: string, body: { title?: string; dueAt?: string | null; assigneeId?: string | null; done?: boolean }) => api<Task>(`/tasks/${id}`, { method: 'PATCH', body });
export const deleteTask = (id: string) => api<void>(`/tasks/${id}`, { method: 'DELETE' });
