import { render } from 'solid-js/web';
import { App } from './app';
import './ui/styles.css';

render(() => <App />, document.getElementById('root')!);

// The service worker makes the inbox installable and keeps the shell available offline (production only:
// in development Vite serves modules the worker must not cache).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}
