import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The web app lives in web/; the server serves dist/web. `npm run dev:web` proxies the API to :3000.
export default defineConfig({
  root: 'web',
  plugins: [solid()],
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://localhost:3000', '/webhooks': 'http://localhost:3000' } },
});
