import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';

type Console = {
  /** Browser console errors, minus the network lines of rejections a test asked for. */
  consoleErrors: string[];
  /** Declares that a request answered with this status is expected in this test. */
  expectRejection: (status: number) => void;
};

/** Accessibility findings on the pages a test visited, one line per rule and page. */
const findings = new WeakMap<Page, Set<string>>();
const checking = new WeakMap<Page, Promise<unknown>[]>();

/**
 * Runs axe-core on the page once the checks asked for before it are done: axe refuses
 * to start while it runs ("Axe is already running"), and a page's load event and a
 * test's wait for hydration often ask at the same moment.
 */
function audit(page: Page): Promise<unknown> {
  const queue = checking.get(page);
  if (!queue) return Promise.resolve();
  const previous = queue.at(-1) ?? Promise.resolve();
  const run = previous.then(() => auditNow(page));
  queue.push(run);
  return run;
}

/**
 * Runs axe-core on the page as it is now. A navigation that replaces the page while
 * axe reads it ends that check without findings: the next page gets its own.
 */
function auditNow(page: Page, retried = false): Promise<unknown> {
  const found = findings.get(page);
  if (!found || page.isClosed()) return Promise.resolve();
  const url = page.url();
  // A page that never navigated (a test that used its own context) has nothing to check.
  if (url === 'about:blank') return Promise.resolve();
  const run = new AxeBuilder({ page })
    .analyze()
    .then((results) => {
      for (const violation of results.violations) {
        const nodes = violation.nodes.map((node) => node.target.join(' ')).slice(0, 5);
        found.add(`${new URL(url).pathname}: ${violation.id} (${violation.impact}) ${violation.help}: ${nodes.join(', ')}`);
      }
    })
    .catch((error: Error): unknown => {
      // The document was replaced under axe at the same URL (sign-out returning to
      // /signin, say): its script vanished. Check the new document once more.
      if (!retried && !page.isClosed() && page.url() === url && /reading 'utils'/.test(error.message)) {
        return auditNow(page, true);
      }
      // A page left while axe read it (its script then vanishes, with one of several
      // messages) is checked as the next page; only a failure on the same page counts.
      const left = page.isClosed() || page.url() !== url;
      if (!left && !/context was destroyed|navigat|Target page|has been closed/i.test(error.message)) {
        found.add(`${url}: axe could not run: ${error.message}`);
      }
    });
  return run;
}

export const test = base.extend<Console & { axe: void }>({
  // Every page a test loads, and every page it waits to be hydrated, is checked by
  // axe-core; any violation fails the test.
  axe: [
    async ({ page }, use) => {
      findings.set(page, new Set());
      checking.set(page, []);
      page.on('load', () => void audit(page));
      await use();
      await audit(page);
      await Promise.all(checking.get(page) ?? []);
      expect([...(findings.get(page) ?? [])], 'accessibility violations (axe-core)').toEqual([]);
    },
    { auto: true },
  ],
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: page error: ${error.message}`));
    await use(errors);
  },
  expectRejection: async ({ consoleErrors }, use) => {
    const allowed: number[] = [];
    await use((status) => allowed.push(status));
    // Chromium logs every 4xx answer as "Failed to load resource"; a deliberate
    // rejection (wrong password, weak password) is not an error of the page.
    const unexpected = consoleErrors.filter(
      (text) =>
        !allowed.some((status) =>
          text.includes(`Failed to load resource: the server responded with a status of ${status}`),
        ),
    );
    expect(unexpected, 'console errors').toEqual([]);
  },
});

export { expect };

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await audit(page);
}

export const ROOT_EMAIL = 'root@example.com';
export const ROOT_PASSWORD = 'Correct-Horse-9';

/** Signs in as a root user (by default the one console.spec.ts set up) and waits for
 *  the dashboard. */
export async function signInAsRoot(page: Page, email = ROOT_EMAIL) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Root user email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** The one-time setup token the server printed and wrote to its data directory. */
export function setupToken(): string {
  const dir = process.env.PORTCULLIS_E2E_DIR;
  if (!dir) throw new Error('PORTCULLIS_E2E_DIR is not set (see playwright.config.ts)');
  return readFileSync(`${dir}/data/setup-token`, 'utf8').trim();
}

/** An account of a journey's own, made as an operator would, with
 *  `portcullis account create` on the running server's database. Its root user signs in
 *  with `email` and ROOT_PASSWORD. */
export function newAccount(alias: string): { id: string; alias: string; email: string } {
  const dir = process.env.PORTCULLIS_E2E_DIR;
  if (!dir) throw new Error('PORTCULLIS_E2E_DIR is not set (see playwright.config.ts)');
  const root = path.resolve(__dirname, '../..');
  const profile = process.env.PORTCULLIS_E2E_PROFILE ?? 'debug';
  const email = `${alias}@example.com`;
  const out = execFileSync(
    path.join(root, 'target', profile, 'portcullis'),
    ['account', 'create', '--email', email, '--alias', alias],
    {
      input: ROOT_PASSWORD,
      encoding: 'utf8',
      env: {
        ...process.env,
        PORTCULLIS_DATA_DIR: `${dir}/data`,
        PORTCULLIS_CLUSTER_DIR: `${dir}/clusters`,
        PORTCULLIS_LOG: 'warn',
      },
    },
  );
  const id = /Created account (\d{12})/.exec(out)?.[1];
  if (!id) throw new Error(`portcullis account create said: ${out}`);
  return { id, alias, email };
}

/** The code an authenticator app shows at `at` (ms since the epoch) for a Base32
 *  secret: RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits), written here independently
 *  of the server's implementation. */
export function totp(secret: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) throw new Error(`not Base32: ${c}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(
    (bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)),
  );
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(value % 1_000_000).padStart(6, '0');
}
