import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// In `pnpm dev` the API runs on PORT (default 3000) and Vite proxies to it; SSE passes through.
const api = `http://localhost:${process.env.PORT ?? '3000'}`

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/trpc': api, '/api': api },
  },
})
