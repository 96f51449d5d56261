// Parley's service worker: the app shell works offline-first, the API never comes from a cache.
const SHELL = 'parley-shell-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(['/', '/manifest.webmanifest', '/icon.svg'])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/webhooks/') || url.pathname.startsWith('/sandbox/graph')) return;
  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change: cache first.
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ??
          fetch(event.request).then((res) => {
            if (res.ok) caches.open(SHELL).then((cache) => cache.put(event.request, res.clone()));
            return res;
          }),
      ),
    );
    return;
  }
  if (event.request.mode === 'navigate') {
    // Pages: the network first (fresh deploys), the cached shell when offline.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          // Only the app's HTML is the shell (not /healthz or any other JSON opened in a tab).
          if (res.ok && (res.headers.get('content-type') || '').startsWith('text/html')) caches.open(SHELL).then((cache) => cache.put('/', res.clone()));
          return res;
        })
        .catch(() => caches.match('/')),
    );
  }
});

self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(
    self.registration.showNotification(data.title || 'Parley', {
      body: data.body || 'New message',
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      tag: data.conversationId || 'parley',
      data: { url: data.conversationId ? `/c/${data.conversationId}` : data.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = event.notification.data?.url || '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then(async (windows) => {
      // navigate() only works on windows this worker controls; anything else opens a new window.
      for (const w of windows) {
        try {
          const client = await w.navigate(target);
          if (client) return client.focus();
        } catch {
          // not ours: fall through
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
