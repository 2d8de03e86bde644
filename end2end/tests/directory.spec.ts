import { test, expect, hydrated, ROOT_EMAIL, ROOT_PASSWORD } from './fixtures';

// Runs after console.spec.ts has set the installation up (account alias "acme").
test.describe.configure({ mode: 'serial' });

let generated = '';

test('root creates a user with a generated password that must be changed', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Root user email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.getByRole('link', { name: 'Create user' }).click();
  await hydrated(page);
  await page.getByLabel('User name').fill('newhire');
  await page.getByLabel('Let this user sign in to the console').check();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User newhire created.');
  await expect(page.getByTestId('signin-url')).toHaveText(/\/signin\/acme$/);
  generated = (await page.getByTestId('generated-password').textContent()) ?? '';
  expect(generated).toHaveLength(20);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download .csv' }).click();
  expect((await download).suggestedFilename()).toBe('newhire_credentials.csv');
  await page.goto('/users');
  await expect(page.getByTestId('users-table')).toContainText('newhire');
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test('the new user signs in at the account URL, must change the password, then works', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto('/signin/acme');
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('newhire');
  await page.getByLabel('Password', { exact: true }).fill(generated);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/change-password$/);
  await page.goto('/users');
  await expect(page).toHaveURL(/\/change-password$/);
  await hydrated(page);
  await page.getByLabel('Current password').fill(generated);
  await page.getByLabel('New password', { exact: true }).fill('Chosen-Passw0rd!');
  await page.getByLabel('Confirm the new password').fill('Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('principal')).toHaveText('newhire');
  // No policies yet: the dashboard and the Users page say what is missing, as AWS does.
  await expect(page.getByTestId('resources-denied')).toContainText('iam:GetAccountSummary');
});

test('without iam:ListUsers the Users page shows the AWS-style denial', async ({ page, expectRejection }) => {
  expectRejection(403);
  await page.goto('/signin/acme');
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('newhire');
  await page.getByLabel('Password', { exact: true }).fill('Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('alert')).toContainText(
    /User: arn:aws:iam::\d{12}:user\/newhire is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::\d{12}:user\/\* because no identity-based policy allows the iam:ListUsers action/,
  );
});
