import { test, expect, hydrated, newAccount, signInAsRoot } from './fixtures';

// Roles in the console: the create-role wizard for another account, and Switch role.

test('root creates a role for another account with the wizard, requiring an external id', async ({ page, expectRejection }) => {
  expectRejection(403);
  const owner = newAccount('roleowner');
  const contractor = newAccount('contractor');
  await signInAsRoot(page, owner.email);

  await page.goto('/roles');
  await expect(page.getByTestId('no-roles')).toBeVisible();
  await page.getByRole('link', { name: 'Create role' }).click();
  await expect(page).toHaveURL(/\/roles\/new$/);
  await hydrated(page);
  await page.getByLabel('Another account').check();
  await page.getByLabel('Account id').fill(contractor.id);
  await page.getByLabel('Require external id').fill('contract-7781');
  const next = page.getByRole('button', { name: 'Next' });
  await next.click();
  await page.getByLabel('Find policies by name').fill('IAMReadOnly');
  await page.getByTestId('policy-choices').getByLabel('IAMReadOnlyAccess (AWS managed)').check();
  await next.click();
  await page.getByLabel('Role name').fill('ContractorAccess');
  await page.getByLabel('Description').fill("Read-only access for the contractor's auditors");
  await next.click();
  const review = page.getByTestId('review-trust');
  await expect(review).toContainText(`arn:aws:iam::${contractor.id}:root`);
  await expect(review).toContainText('"sts:ExternalId": "contract-7781"');
  await expect(page.getByTestId('role-review')).toContainText('IAMReadOnlyAccess');
  await page.getByRole('button', { name: 'Create role' }).click();

  await expect(page).toHaveURL(/\/roles\/details\/ContractorAccess$/);
  await expect(page.getByTestId('role-arn')).toHaveText(`arn:aws:iam::${owner.id}:role/ContractorAccess`);
  await expect(page.getByTestId('role-policies')).toContainText('arn:aws:iam::aws:policy/IAMReadOnlyAccess');
  const trust = page.getByTestId('trust-policy');
  await expect(trust).toContainText(contractor.id);
  await expect(trust).toContainText('contract-7781');

  // The summary is edited in place: a two-hour maximum session.
  await hydrated(page);
  await page.getByLabel('Maximum session duration').selectOption('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('role-max-session')).toHaveText('2 hours');
  await page.getByLabel('Tag key').fill('owner');
  await page.getByLabel('Tag value').fill('audit-team');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByTestId('role-tags')).toContainText('owner=audit-team');
  await page.goto('/roles');
  await expect(page.getByTestId('roles-table')).toContainText('ContractorAccess');
  await expect(page.getByTestId('roles-table')).toContainText('2 hours');
});

test('an IAM user switches to a role, sees its banner, is limited to its permissions, and switches back', async ({ page, expectRejection }) => {
  expectRejection(403);
  const account = newAccount('switcher');
  await signInAsRoot(page, account.email);

  // A group, and a user in it who may do nothing of IAM.
  await page.goto('/groups');
  await hydrated(page);
  await page.getByLabel('Group name').fill('Operators');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/Operators$/);
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('User name').fill('sam');
  await page.getByLabel('Let this user sign in to the console').check();
  const next = page.getByRole('button', { name: 'Next' });
  await next.click();
  await page.getByTestId('group-choices').getByLabel('Operators').check();
  await next.click();
  await next.click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User sam created.');
  const password = (await page.getByTestId('generated-password').textContent()) ?? '';

  // A role users of this account may assume, reading IAM only; the group may switch.
  await page.goto('/roles/new');
  await hydrated(page);
  await next.click();
  await page.getByLabel('Find policies by name').fill('IAMReadOnly');
  await page.getByTestId('policy-choices').getByLabel('IAMReadOnlyAccess (AWS managed)').check();
  await next.click();
  await page.getByLabel('Role name').fill('Auditor');
  await next.click();
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page).toHaveURL(/\/roles\/details\/Auditor$/);
  await hydrated(page);
  await expect(page.getByTestId('may-switch')).toContainText('No user of this account may switch to it now.');
  await page.getByLabel('Allow a group to switch to it').fill('Operators');
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByTestId('may-switch')).toHaveText('sam');
  const link = (await page.getByTestId('switch-link').textContent()) ?? '';
  expect(link).toBe(`/switch-role?account=${account.id}&role=Auditor`);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // sam signs in, sets a password, and may not list users as himself.
  await page.goto(`/signin/${account.alias}`);
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('sam');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/change-password$/);
  await hydrated(page);
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password', { exact: true }).fill('Sam-Chosen-Passw0rd!');
  await page.getByLabel('Confirm the new password').fill('Sam-Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/users');
  await expect(page.getByRole('alert')).toContainText('is not authorized to perform: iam:ListUsers');

  // Switch role through the role's link, with a display name and colour.
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByLabel('Account')).toHaveValue(account.id);
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue('Auditor');
  await page.getByLabel('Display name').fill('Audit');
  await page.getByLabel('Green').check();
  await page.getByRole('button', { name: 'Switch role' }).click();
  await expect(page).toHaveURL(/\/$/);
  const banner = page.getByTestId('role-banner');
  await expect(banner).toBeVisible();
  await expect(page.getByTestId('role-display-name')).toHaveText('Audit');
  await expect(banner).toContainText(`arn:aws:sts::${account.id}:assumed-role/Auditor/sam`);
  await expect(banner).toHaveAttribute('data-color', 'b7ca9d');

  // The role's permissions: IAM reads, and no writes.
  await page.goto('/users');
  await expect(page.getByTestId('users-table')).toContainText('sam');
  await page.goto('/groups');
  await hydrated(page);
  await page.getByLabel('Group name').fill('Sneaky');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('alert')).toContainText(
    `arn:aws:sts::${account.id}:assumed-role/Auditor/sam is not authorized to perform: iam:CreateGroup`,
  );

  // Back to sam: the banner goes, and so do the role's permissions.
  await page.getByRole('button', { name: 'Back to sam' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('role-banner')).toHaveCount(0);
  await page.goto('/users');
  await expect(page.getByRole('alert')).toContainText(`arn:aws:iam::${account.id}:user/sam is not authorized`);
});
