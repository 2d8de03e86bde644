import type { Page } from '@playwright/test';
import { test, expect, hydrated, newAccount, signInAsRoot } from './fixtures';

// The console as a new user meets it: on a phone, in dark mode, with a keyboard, and
// with a form that comes back with an error. On an account of its own, with one user.
test.describe.configure({ mode: 'serial' });

let account = { id: '', alias: '', email: '' };
test.beforeAll(() => {
  account = newAccount('quality');
});

/** Signs in as root and waits until the dashboard is hydrated. */
async function signInHydrated(page: Page) {
  await signInAsRoot(page, account.email);
  await hydrated(page);
}

/** Whether the page is wider than the window (content cut off or scrolling sideways). */
async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

test('a field error stands beside its field, is announced and gets the focus', async ({ page, expectRejection }) => {
  expectRejection(400);
  await signInHydrated(page);
  await page.goto('/groups');
  await hydrated(page);
  const name = page.getByLabel('Group name');
  const path = page.getByLabel('Path');
  await name.fill('no spaces allowed');
  await path.fill('no-slashes');
  await page.getByRole('button', { name: 'Create group' }).click();
  const error = page.locator('#group_name-error');
  await expect(error).toBeVisible();
  await expect(error).not.toContainText('group_name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  // The hint still describes the field, and the error now too.
  await expect(name).toHaveAttribute('aria-describedby', 'group_name-hint group_name-error');
  // Every broken rule at once, each beside its field; the first takes the focus.
  await expect(page.locator('#path-error')).toBeVisible();
  await expect(path).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toBeFocused();
  await path.fill('');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(path).not.toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  // Corrected, the group is created and the error is gone.
  await name.fill('quality.check');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/quality\.check$/);
});

test('at phone width the navigation folds behind a menu button and nothing overflows', async ({ page, expectRejection }) => {
  expectRejection(0);
  // A user whose page is among those checked.
  await signInHydrated(page);
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('User name').fill('phone.user');
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User phone.user created.');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await hydrated(page);
  const nav = page.getByRole('navigation', { name: 'Console' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  expect(await overflowsSideways(page), 'dashboard at 390 px').toBe(false);
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav).toBeVisible();
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByTestId('users-table')).toBeVisible();
  await expect(nav).toBeHidden();
  for (const path of ['/users', '/groups', '/policies', '/activity', '/account', '/users/details/phone.user', '/groups/details/quality.check']) {
    await page.goto(path);
    await hydrated(page);
    expect(await overflowsSideways(page), `${path} at 390 px`).toBe(false);
  }
  // Wide again, the navigation is simply there.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(nav).toBeVisible();
  await expect(menu).toBeHidden();
});

test('dark mode follows the system and keeps every page readable', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await signInHydrated(page);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // A dark page: every channel of the body's colour is low (oklch or rgb notation).
  const lightness = /oklch\(([\d.]+)/.exec(background)?.[1];
  if (lightness !== undefined) {
    expect(Number(lightness)).toBeLessThan(0.3);
  } else {
    const channels = (background.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    expect(Math.max(...channels)).toBeLessThan(80);
  }
  // axe-core checks contrast on each of these as it is drawn in dark colours.
  for (const path of ['/', '/users', '/users/new', '/groups', '/policies', '/policies/new', '/activity', '/account']) {
    await page.goto(path);
    await hydrated(page);
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await hydrated(page);
});

test('the skip link jumps past the navigation to the page', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInHydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('copy buttons put the account id and sign-in URL on the clipboard', async ({ page, context, expectRejection }) => {
  expectRejection(0);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInHydrated(page);
  const id = (await page.getByTestId('account-id').textContent()) ?? '';
  expect(id).toMatch(/^\d{12}$/);
  // The button's name says what it did: "Copy account ID", then "Copied account ID".
  const copyId = page.getByRole('button', { name: /^Cop(y|ied) account ID$/ });
  await expect(copyId).toHaveAccessibleName('Copy account ID');
  await copyId.click();
  await expect(copyId).toHaveAccessibleName('Copied account ID');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
  await page.getByRole('button', { name: 'Copy sign-in URL' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/signin/${account.alias}$`));
});
