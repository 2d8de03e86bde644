import { test as base, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

type Console = {
  /** Browser console errors, minus the network lines of rejections a test asked for. */
  consoleErrors: string[];
  /** Declares that a request answered with this status is expected in this test. */
  expectRejection: (status: number) => void;
};

export const test = base.extend<Console>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
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
}

export const ROOT_EMAIL = 'root@example.com';
export const ROOT_PASSWORD = 'Correct-Horse-9';

/** The one-time setup token the server printed and wrote to its data directory. */
export function setupToken(): string {
  const dir = process.env.PORTCULLIS_E2E_DIR;
  if (!dir) throw new Error('PORTCULLIS_E2E_DIR is not set (see playwright.config.ts)');
  return readFileSync(`${dir}/data/setup-token`, 'utf8').trim();
}
