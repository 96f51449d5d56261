import { api } from '../../lib/api/client';

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
  unreadCount: number;
  lastMessageAt: string | null;
  windowExpiresAt: string | null;
  windowOpen: boolean;
  contact: Contact | null;
  lastMessage?: { id: string; direction: 'inbound' | 'outbound'; type: string; text: string | null; status: string; timestamp: string } | null;
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
  media: { id: string; mimeType: string | null; size: number | null; filename: string | null; url: string | null; state: string; error: string | null } | null;
  reactions: { emoji: string; actor: string }[];
  location?: { latitude: number; longitude: number; name: string | null; address: string | null };
  interactive?: { title: string | null };
  errors?: { title: string | null; details: string | null }[];
  revokedAt: string | null;
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

async function page<T>(path: string): Promise<Page<T>> {
  const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!res.ok) await api(path); // turns the error body into an ApiError
  return (await res.json()) as Page<T>;
}

export const fetchConversations = () => page<Conversation>('/conversations?limit=50').then((p) => p.data);
export const fetchConversation = (id: string) => api<Conversation>(`/conversations/${id}`);
export const fetchMessages = (id: string) => page<Message>(`/conversations/${id}/messages?limit=100`).then((p) => p.data.reverse());
export const sendText = (conversationId: string, text: string) =>
  api<Message>(`/conversations/${conversationId}/messages`, { method: 'POST', body: { type: 'text', text } });
export const markRead = (conversationId: string) => api<Conversation>(`/conversations/${conversationId}/read`, { method: 'POST' });
export const sendAsCustomer = (body: { from: string; name: string; text: string }) => api<{ waMessageId: string }>('/sandbox/inbound', { method: 'POST', body });
