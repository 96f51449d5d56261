import { api, apiPage } from '../../lib/api/client';
import type { Template as TemplateDefinition } from '../templates/templates.api';

export interface Contact {
  id: string;
  name: string | null;
  phone: string | null;
  waId: string | null;
  username: string | null;
  tags: string[];
}

export interface Conversation {
  id: string;
  contactId: string;
  channelId: string;
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  assigneeId: string | null;
  teamId: string | null;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  unreadCount: number;
  lastMessageAt: string | null;
  windowExpiresAt: string | null;
  windowOpen: boolean;
  flagged: boolean;
  snoozedUntil: string | null;
  openedAt: string | null;
  waitingSince: string | null;
  firstResponseAt: string | null;
  /** The current cycle's SLA clocks (null when no target applies). */
  sla: ConversationSla | null;
  contact: Contact | null;
  lastMessage?: { id: string; direction: 'inbound' | 'outbound'; type: string; text: string | null; status: string; timestamp: string } | null;
}

export interface ConversationSla {
  firstResponseDueAt: string | null;
  firstResponseBreached: boolean;
  resolutionDueAt: string | null;
  resolutionBreached: boolean;
}

export interface Message {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  type: string;
  text: string | null;
  status: 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';
  timestamp: string;
  error: { code: number | null; title: string | null; details: string | null; explanation: string | null } | null;
  media: { id: string; mimeType: string | null; size: number | null; filename: string | null; url: string | null; state: string; error: string | null; purgedAt?: string | null } | null;
  reactions: { emoji: string; actor: string }[];
  location?: { latitude: number; longitude: number; name: string | null; address: string | null };
  interactive?: { type?: string; title: string | null; description?: string | null; response?: unknown };
  button?: { text: string | null; payload: string | null };
  contacts?: { name?: { formatted_name?: string }; phones?: { phone?: string }[] }[];
  order?: { items: { productRetailerId: string; quantity: number; itemPrice: number | null }[]; total: number; currency: string | null; text: string | null };
  template?: { name: string; language: string };
  errors?: { title: string | null; details: string | null }[];
  referral: { headline: string | null; body: string | null; sourceUrl: string | null; sourceType: string | null } | null;
  replyTo: string | null;
  waMessageId: string | null;
  forwarded: boolean;
  frequentlyForwarded: boolean;
  editedAt: string | null;
  revokedAt: string | null;
}

const page = apiPage;

export const fetchConversations = () => page<Conversation>('/conversations?limit=50').then((p) => p.data);
export const fetchConversation = (id: string) => api<Conversation>(`/conversations/${id}`);
export const fetchMessages = (id: string) => page<Message>(`/conversations/${id}/messages?limit=100`).then((p) => p.data.reverse());
export const sendText = (conversationId: string, text: string) =>
  api<Message>(`/conversations/${conversationId}/messages`, { method: 'POST', body: { type: 'text', text } });
export const markRead = (conversationId: string) => api<Conversation>(`/conversations/${conversationId}/read`, { method: 'POST' });
export const sendAsCustomer = (body: { from: string; name: string; text: string }) => api<{ waMessageId: string }>('/sandbox/inbound', { method: 'POST', body });

export interface Note {
  id: string;
  conversationId: string;
  authorId: string | null;
  body: string;
  createdAt: string;
}

export interface Teammate {
  id: string;
  name: string;
  role: string;
}

/** An approved template as the picker uses it: Meta's components, the slots a send fills, the stored mapping. */
export type Template = TemplateDefinition;

/** A template send by values: `values` per slot id (empty ones left out), the template's mapping filling the rest for the contact. */
export interface TemplateSend {
  name: string;
  language: string;
  values: Record<string, string>;
  /** A media header chosen for this send (a Parley media id); without it the mapping's media is used. */
  headerMediaId?: string | null;
}

export interface SearchResult {
  contacts: Contact[];
  /** A message hit says who the customer is (`contactName`: name, profile name or phone) and where it was written. */
  messages: { id: string; conversationId: string; contactId: string; contactName: string | null; direction: string; text: string | null; timestamp: string; snippet: string }[];
  notes: { id: string; conversationId: string; createdAt: string; snippet: string }[];
}

export type ListFilter = 'mine' | 'unassigned' | 'all' | 'pending' | 'snoozed' | 'resolved';

const FILTER_QUERY: Record<ListFilter, string> = {
  mine: 'assignee=me',
  unassigned: 'assignee=none&status=open',
  all: '',
  pending: 'status=pending',
  snoozed: 'status=snoozed',
  resolved: 'status=resolved',
};

/** The manager's views of open work (GET /conversations?view=…). */
export type ManagerView = 'unassigned' | 'waiting_first_response' | 'waiting_on_business' | 'waiting_on_customer' | 'escalated' | 'sla_breached';
export const MANAGER_VIEWS: { id: ManagerView; label: string }[] = [
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'waiting_first_response', label: 'Waiting for a first reply' },
  { id: 'waiting_on_business', label: 'Waiting on us' },
  { id: 'waiting_on_customer', label: 'Waiting on customer' },
  { id: 'escalated', label: 'Escalated' },
  { id: 'sla_breached', label: 'SLA breached' },
];
export const isManagerView = (v: unknown): v is ManagerView => MANAGER_VIEWS.some((m) => m.id === v);

/** One page of the list: an inbox filter, or a manager view (with its "waiting longer than" minutes). */
export const fetchConversationPage = (source: ListFilter | { view: ManagerView; minutes: number }, cursor?: string) =>
  page<Conversation>(
    `/conversations?limit=50&${typeof source === 'string' ? FILTER_QUERY[source] : `view=${source.view}&minutes=${source.minutes}`}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
export const fetchOlderMessages = (id: string, cursor: string) => page<Message>(`/conversations/${id}/messages?limit=100&cursor=${encodeURIComponent(cursor)}`);
export const fetchMessagePage = (id: string) => page<Message>(`/conversations/${id}/messages?limit=100`);
export const updateConversation = (id: string, body: Record<string, unknown>) => api<Conversation>(`/conversations/${id}`, { method: 'PATCH', body });
export const fetchNotes = (id: string) => api<Note[]>(`/conversations/${id}/notes`);
export const addNote = (id: string, body: string) => api<Note>(`/conversations/${id}/notes`, { method: 'POST', body: { body } });
export const fetchTeam = () => api<Teammate[]>('/team');
export const fetchTemplates = () => api<Template[]>('/templates?status=APPROVED');
export const search = (q: string) => api<SearchResult>(`/search?q=${encodeURIComponent(q)}`);
export const retryMessage = (id: string) => api<{ id: string }>(`/messages/${id}/retry`, { method: 'POST' });
export const addTag = (contactId: string, tag: string) => api<Contact>(`/contacts/${contactId}/tags`, { method: 'POST', body: { tag } });
export const removeTag = (contactId: string, tag: string) => api<Contact>(`/contacts/${contactId}/tags/${encodeURIComponent(tag)}`, { method: 'DELETE' });
export const sendTemplate = (conversationId: string, t: TemplateSend) =>
  api<Message>(`/conversations/${conversationId}/messages`, {
    method: 'POST',
    body: { type: 'template', template: { name: t.name, language: t.language, values: t.values, ...(t.headerMediaId && { headerMediaId: t.headerMediaId }) } },
  });
/** Who a template goes to in a conversation: the contact (for the preview's values) and their language. */
export const fetchTemplateRecipient = (conversationId: string) =>
  fetchConversation(conversationId).then((c) => ({ contactId: c.contactId, language: (c.contact as (Contact & { language?: string | null }) | null)?.language ?? null }));
export const fetchContactConversations = (contactId: string) => page<Conversation>(`/conversations?contactId=${encodeURIComponent(contactId)}`).then((p) => p.data);

export interface CannedReply {
  id: string;
  shortcut: string;
  body: string;
}
export const fetchCannedReplies = () => api<CannedReply[]>('/canned-replies');
export const createCannedReply = (shortcut: string, body: string) => api<CannedReply>('/canned-replies', { method: 'POST', body: { shortcut, body } });
export const deleteCannedReply = (id: string) => api<void>(`/canned-replies/${id}`, { method: 'DELETE' });
export const sendMessageBody = (conversationId: string, body: Record<string, unknown>) => api<Message>(`/conversations/${conversationId}/messages`, { method: 'POST', body });
export const react = (conversationId: string, messageId: string, emoji: string) =>
  sendMessageBody(conversationId, { type: 'reaction', reaction: { messageId, emoji } });

/** Uploads a file for sending, reporting progress (fetch cannot report upload progress; XHR can). */
export function uploadMedia(file: File, onProgress: (fraction: number) => void): Promise<{ id: string; mimeType: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/media');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const json = (() => {
        try {
          return JSON.parse(xhr.responseText) as { data?: { id: string; mimeType: string }; error?: { message: string } };
        } catch {
          return null;
        }
      })();
      if (xhr.status === 201 && json?.data) resolve(json.data);
      else reject(new Error(json?.error?.message ?? `Upload failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('Upload failed: cannot reach Parley.'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Which send type a file becomes on WhatsApp. */
export function mediaTypeOf(mime: string): 'image' | 'video' | 'audio' | 'document' | 'sticker' {
  if (mime === 'image/webp') return 'sticker';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}
export const updateContact = (id: string, body: { name?: string; language?: string | null }) => api<Contact>(`/contacts/${id}`, { method: 'PATCH', body });
export interface Team {
  id: string;
  name: string;
  keywords: string[];
  channelIds: string[];
  sla: { firstResponseMinutes: number | null; resolutionMinutes: number | null };
  memberIds: string[];
  createdAt: string;
}
export const fetchTeams = () => api<Team[]>('/teams');
