import { defineConfig } from '@playwright/test';

const port = process.env.PORTCULLIS_E2E_PORT ?? '3100';
// Where the server keeps its data (the tests read the setup token there). Short: the
// embedded PostgreSQL's socket path must fit in 107 bytes.
process.env.PORTCULLIS_E2E_DIR ??= `/tmp/pe2e-${port}`;

export default defineConfig({
  testDir: './tests',
  // One server and one database shared by a story told in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'scripts/e2e-server.sh',
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: { PORTCULLIS_E2E_PORT: port, PORTCULLIS_E2E_DIR: process.env.PORTCULLIS_E2E_DIR },
  },
});
