import { test, expect, hydrated, setupToken, signInAsRoot, ROOT_EMAIL, ROOT_PASSWORD } from './fixtures';

// One fresh installation, walked through in order: setup, then daily use.
test.describe.configure({ mode: 'serial' });

test('a fresh installation leads every page to setup', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Set up Portcullis' })).toBeVisible();
  await page.goto('/signin');
  await expect(page).toHaveURL(/\/setup$/);
});

test('the password rules tick off as you type (hydrated)', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/setup');
  await hydrated(page);
  const rules = page.getByTestId('password-rules');
  const length = rules.getByText('at least 8 characters');
  await expect(length).toHaveAttribute('data-ok', 'false');
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await expect(length).toHaveAttribute('data-ok', 'true');
  await expect(rules.locator('[data-ok="false"]')).toHaveCount(0);
  // Show reveals what was typed.
  await page.getByRole('button', { name: 'Show' }).first().click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text');
});

test('setup without the printed token names the field', async ({ page, expectRejection }) => {
  expectRejection(400);
  await page.goto('/setup');
  await hydrated(page);
  await page.getByLabel('Setup token').fill('AAAAA-BBBBB-CCCCC-DDDDD-EEEEE');
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByLabel('Confirm password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // The error stands beside its field, tied to it for screen readers, and focus goes there.
  const token = page.getByLabel('Setup token');
  await expect(page.locator('#setup_token-error')).toContainText('Does not match the setup token');
  await expect(token).toHaveAttribute('aria-invalid', 'true');
  await expect(token).toHaveAttribute('aria-describedby', /setup_token-error/);
  await expect(token).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page).toHaveURL(/\/setup$/);
});

test('a weak password in setup shows the rule it breaks', async ({ page, expectRejection }) => {
  expectRejection(400);
  await page.goto('/setup');
  await hydrated(page);
  await page.getByLabel('Setup token').fill(setupToken());
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill('onlylowercase');
  await page.getByLabel('Confirm password').fill('onlylowercase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#password-error')).toContainText(
    'Must be at least three of: uppercase letter, lowercase letter, digit, symbol',
  );
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Setup token')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/setup$/);
});

test('setup creates the account and opens the dashboard', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/setup');
  await hydrated(page);
  await page.getByLabel('Setup token').fill(setupToken());
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByLabel('Confirm password').fill(ROOT_PASSWORD);
  await page.getByLabel('Account alias (optional)').fill('acme');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('account-id')).toHaveText(/^\d{12}$/);
  await expect(page.getByTestId('account-alias')).toHaveText('acme');
  await expect(page.getByTestId('iam-signin-url')).toHaveText(/\/signin\/acme$/);
  await expect(page.getByTestId('principal')).toContainText(ROOT_EMAIL);
  const mfa = page.getByTestId('security-checklist').locator('li', { hasText: 'Enable MFA for the root user' });
  await expect(mfa).toHaveAttribute('data-ok', 'false');
});

test('setup is closed once an account exists', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/setup');
  await expect(page.getByRole('status')).toContainText('already set up');
  await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
});

test('sign out, then sign in again', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page);
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);
  await signInAsRoot(page);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
});

test('a wrong password shows the generic error', async ({ page, expectRejection }) => {
  expectRejection(401);
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await expect(page).toHaveURL(/\/signin$/);
  // An unknown email gets exactly the same answer.
  await page.getByLabel('Root user email address').fill('nobody@example.com');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
});

test('sign-in works without wasm, through plain forms', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await context.close();
});

test('an unknown page says so', async ({ page, expectRejection }) => {
  expectRejection(404);
  await signInAsRoot(page);
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

