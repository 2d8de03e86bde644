import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expect, hydrated, newAccount, signInAsRoot, totp, ROOT_PASSWORD } from './fixtures';

// An IAM user who manages their own credentials under a policy that allows it only for
// themselves, and allows key changes only when signed in with MFA: they enrol a device,
// sign in again with it, create and download a key, rotate it, and cannot touch another
// user's keys. On an account of its own.
test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Self-Serv1ce-Pass!';
const OWN_CREDENTIALS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OwnMfaDevices',
      Effect: 'Allow',
      Action: [
        'iam:GetUser',
        'iam:ListMFADevices',
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:ResyncMFADevice',
        'iam:DeactivateMFADevice',
        'iam:DeleteVirtualMFADevice',
      ],
      Resource: ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:mfa/${aws:username}'],
    },
    {
      Sid: 'OwnAccessKeys',
      Effect: 'Allow',
      Action: [
        'iam:CreateAccessKey',
        'iam:UpdateAccessKey',
        'iam:DeleteAccessKey',
        'iam:ListAccessKeys',
        'iam:GetAccessKeyLastUsed',
      ],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'KeyChangesNeedMfa',
      Effect: 'Deny',
      Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
});

let account = { id: '', alias: '', email: '' };
let seed = '';

/** A server function called as the page's own forms call it (same cookies, same origin). */
async function call(page: Page, endpoint: string, form: Record<string, string>) {
  const origin = new URL(page.url()).origin;
  return page.request.post(`/api/${endpoint}`, { form, headers: { Origin: origin, Accept: 'application/json' } });
}

async function signInAsDev(page: Page) {
  await page.goto(`/signin/${account.alias}`);
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('dev');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.beforeAll(() => {
  account = newAccount('self-service');
});

test('root gives a user a policy to manage their own credentials, and changes its own password', async ({ page, expectRejection }) => {
  expectRejection(400);
  await signInAsRoot(page, account.email);
  await hydrated(page);
  const steps: [string, Record<string, string>][] = [
    ['policies/create', { policy_name: 'ManageOwnCredentials', policy_document: OWN_CREDENTIALS }],
    ['users/create', { user_name: 'dev' }],
    ['users/console', { user_name: 'dev', change: 'enable', password: PASSWORD }],
    ['users/attach', { user_name: 'dev', policy_arn: `arn:aws:iam::${account.id}:policy/ManageOwnCredentials` }],
    ['users/create', { user_name: 'other' }],
    ['keys/create', { user_name: 'other' }],
    // Passwords expire after 10 days: dev's, just set, is within the warning period.
    ['account/password-policy/update', { minimum_password_length: '8', max_password_age: '10' }],
  ];
  for (const [endpoint, form] of steps) {
    const response = await call(page, endpoint, form);
    expect(response.status(), `${endpoint}: ${await response.text()}`).toBe(200);
  }

  // Root changes its own password: the current one first, the rules ticking as typed.
  await page.goto('/security-credentials');
  await hydrated(page);
  await page.getByLabel('Current password').fill('not-the-password');
  await page.getByLabel('New password', { exact: true }).fill('Root-Rotated-9!');
  await expect(page.getByTestId('password-rules').locator('li[data-ok="false"]')).toHaveCount(0);
  await expect(page.getByTestId('password-strength-verdict')).toHaveAttribute('data-enough', 'true');
  await page.getByLabel('Confirm the new password').fill('Root-Rotated-9!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#current_password-error')).toContainText(/not your current password/i);
  await page.getByLabel('Current password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('root-password-changed')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test('without MFA the user may enrol a device but not create a key', async ({ page, expectRejection }) => {
  expectRejection(403);
  await signInAsDev(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('password-expiry')).toContainText('Your password expires in 10 days');
  await page.getByRole('link', { name: 'My security credentials' }).first().click();
  await expect(page).toHaveURL(/\/security-credentials$/);
  await hydrated(page);
  await expect(page.getByTestId('no-access-keys')).toBeVisible();
  await page.getByRole('button', { name: 'Create access key' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'iam:CreateAccessKey' })).toContainText('explicit deny');

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  seed = ((await page.getByTestId('mfa-secret').textContent()) ?? '').trim();
  await page.getByLabel('MFA code 1').fill(totp(seed, Date.now() - 30_000));
  await page.getByLabel('MFA code 2').fill(totp(seed, Date.now()));
  await page.getByRole('button', { name: 'Assign MFA device' }).click();
  await expect(page.getByTestId('mfa-assigned')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test("signed in with MFA, the user creates, downloads and rotates a key, and cannot touch another's", async ({ page, expectRejection }) => {
  expectRejection(403);
  await signInAsDev(page);
  await expect(page).toHaveURL(/\/signin-mfa$/);
  await hydrated(page);
  // The code that enabled the device was spent; the next step's is new.
  await page.getByLabel('MFA code', { exact: true }).fill(totp(seed, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/security-credentials');
  await hydrated(page);

  await page.getByRole('button', { name: 'Create access key' }).click();
  const created = page.getByTestId('new-access-key');
  await expect(created).toBeVisible();
  const first = ((await page.getByTestId('new-key-id').textContent()) ?? '').trim();
  const secret = ((await page.getByTestId('new-key-secret').textContent()) ?? '').trim();
  expect(first).toMatch(/^AKIA[A-Z2-7]{16}$/);
  expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
  const download = page.waitForEvent('download');
  await created.getByRole('link', { name: 'Download .csv file' }).click();
  expect((await download).suggestedFilename()).toBe('dev_accessKeys.csv');
  const csv = readFileSync(await (await download).path(), 'utf8').split('\r\n');
  expect(csv.slice(0, 2)).toEqual(['Access key ID,Secret access key', `${first},${secret}`]);
  await expect(page.getByTestId('access-key')).toHaveCount(1);

  // Rotation: a second key, the first made inactive, then deleted with its id typed.
  await page.getByRole('button', { name: 'Create access key' }).click();
  await expect(page.getByTestId('access-key')).toHaveCount(2);
  const second = ((await page.getByTestId('new-key-id').textContent()) ?? '').trim();
  expect(second).not.toBe(first);
  await expect(page.getByRole('button', { name: 'Create access key' })).toBeHidden();
  await page.getByRole('button', { name: `Make inactive ${first}` }).click();
  const old = page.getByTestId('access-key').filter({ hasText: first });
  await expect(old).toContainText('Inactive');
  await old.getByLabel('Type the key id to delete it').fill(first);
  await old.getByRole('button', { name: `Delete ${first}` }).click();
  await expect(page.getByTestId('access-key')).toHaveCount(1);
  await expect(page.getByTestId('access-key')).toContainText(second);
  await expect(page.getByRole('button', { name: 'Create access key' })).toBeVisible();

  // Another user's keys: neither listed nor made, and their page is not shown.
  for (const [endpoint, form] of [
    ['keys/list', { user_name: 'other' }],
    ['keys/create', { user_name: 'other' }],
  ] as [string, Record<string, string>][]) {
    const response = await call(page, endpoint, form);
    expect(response.status(), endpoint).toBe(403);
    expect(await response.text()).toContain('AccessDenied');
  }
  await page.goto('/users/details/other?section=security_credentials');
  await hydrated(page);
  await expect(page.getByRole('alert').first()).toContainText('iam:GetUser');
});
