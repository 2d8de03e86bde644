import { test, expect, hydrated, newAccount, signInAsRoot, totp, ROOT_PASSWORD } from './fixtures';

test('root assigns an MFA device from the secret on the page, then signs in with a code', async ({ page, expectRejection }) => {
  expectRejection(403);
  const account = newAccount('mfa-root');
  // RFC 6238's own vector, to show the helper computes what authenticator apps do.
  expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  await signInAsRoot(page, account.email);

  // The dashboard's checklist leads to the page.
  const item = page.getByTestId('security-checklist').locator('li', { hasText: 'Enable MFA for the root user' });
  await expect(item).toHaveAttribute('data-ok', 'false');
  await item.getByRole('link', { name: 'Assign an MFA device' }).click();
  await expect(page).toHaveURL(/\/security-credentials$/);
  await hydrated(page);
  await expect(page.getByTestId('no-mfa')).toBeVisible();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('img', { name: /QR code for the MFA device root-account-mfa-device/ })).toBeVisible();
  const secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // Two codes that are not consecutive are refused beside the field.
  await page.getByLabel('MFA code 1').fill(totp(secret, Date.now() - 90_000));
  await page.getByLabel('MFA code 2').fill(totp(secret, Date.now()));
  await page.getByRole('button', { name: 'Assign MFA device' }).click();
  await expect(page.getByLabel('MFA code 2')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('MFA code 1').fill(totp(secret, Date.now() - 30_000));
  await page.getByLabel('MFA code 2').fill(totp(secret, Date.now()));
  await page.getByRole('button', { name: 'Assign MFA device' }).click();
  await expect(page.getByTestId('mfa-assigned')).toBeVisible();
  await expect(page.getByTestId('mfa-devices')).toContainText('root-account-mfa-device');
  // Ten recovery codes come with the device, shown this once.
  const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  await expect(page.getByTestId('recovery-codes-left')).toContainText('10 of 10');
  await page.getByRole('button', { name: 'Sign out' }).click();

  // The password alone leads to the code's page, not the console.
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Root user email address').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/signin-mfa$/);
  await hydrated(page);
  // The code that enabled the device was spent; the next step's is new.
  await page.getByLabel('MFA code', { exact: true }).fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(
    page.getByTestId('security-checklist').locator('li', { hasText: 'Enable MFA for the root user' }),
  ).toHaveAttribute('data-ok', 'true');
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // The phone is lost: a recovery code signs in instead, once.
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Root user email address').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/signin-mfa$/);
  await hydrated(page);
  await page.getByLabel('MFA code', { exact: true }).fill(codes[0].toLowerCase());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/security-credentials');
  await hydrated(page);
  await expect(page.getByTestId('recovery-codes-left')).toContainText('9 of 10');
});
