import { test, expect, hydrated, newAccount, signInAsRoot } from './fixtures';

// Journeys on accounts of their own (made with `portcullis account create`), as every
// spec but console.spec.ts (the installation's own setup) is.

test('BisDev: a group with AmazonS3ReadOnlyAccess, a user in it refused the Users page in AWS words, the Activity page shows it all, the group deleted with everything', async ({ page, expectRejection }) => {
  expectRejection(403);
  const account = newAccount('bisdev');
  await signInAsRoot(page, account.email);

  // Create the group with its policy in one form, as AWS's console does.
  await page.goto('/groups');
  await hydrated(page);
  await page.getByLabel('Group name').fill('BisDev');
  await page.getByLabel('Find policies by name').fill('AmazonS3ReadOnly');
  await page.getByTestId('policy-choices').getByLabel('AmazonS3ReadOnlyAccess (AWS managed)').check();
  await expect(page.getByText('1 of at most 10 policies chosen')).toBeVisible();
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/BisDev$/);
  await expect(page.getByTestId('group-policies')).toContainText('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');

  // A user in it, with a password of the administrator's choosing that must be changed.
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('User name').fill('tom');
  await page.getByLabel('Let this user sign in to the console').check();
  const next = page.getByRole('button', { name: 'Next' });
  await next.click();
  await page.getByTestId('group-choices').getByLabel('BisDev').check();
  await next.click();
  await next.click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User tom created.');
  const password = (await page.getByTestId('generated-password').textContent()) ?? '';
  expect(password).toHaveLength(20);

  // What tom may do, read from the group's policy: S3 reads, nothing of IAM.
  await page.goto('/users/details/tom');
  const access = page.getByTestId('user-access');
  await expect(access).toContainText('Amazon S3');
  await expect(access.getByRole('row', { name: /Amazon S3 s3\b/ })).toContainText(/List.*Read/);
  await expect(access).not.toContainText('Identity and Access Management');
  await expect(page.getByTestId('access-headline')).toContainText(/Access to \d+ of \d{3} services/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // tom signs in at the account's own URL, changes the password, opens Users.
  await page.goto(`/signin/${account.alias}`);
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('tom');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/change-password$/);
  await hydrated(page);
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password', { exact: true }).fill('Tom-Chosen-Passw0rd!');
  await page.getByLabel('Confirm the new password').fill('Tom-Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: 'Users' }).click();
  const denial = page.getByRole('alert');
  await expect(denial).toContainText(
    `User: arn:aws:iam::${account.id}:user/tom is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${account.id}:user/* because no identity-based policy allows the iam:ListUsers action`,
  );
  // The engine's own explanation, on request.
  await denial.getByText("Why: the policy engine's explanation").click();
  await expect(denial.getByTestId('denial-explanation')).toContainText('implicitly denied');
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // Root's Activity page shows every step, the denial and the sign-ins.
  await signInAsRoot(page, account.email);
  await page.goto('/activity');
  const events = page.getByTestId('activity-table');
  for (const action of ['iam:CreateGroup', 'iam:AttachGroupPolicy', 'iam:CreateUser', 'iam:CreateLoginProfile', 'iam:AddUserToGroup', 'iam:ChangePassword', 'signin:ConsoleLogin']) {
    await expect(events.getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
  }
  await page.goto('/activity?outcome=denied');
  await expect(events).toContainText('iam:ListUsers');
  await expect(events).toContainText(`arn:aws:iam::${account.id}:user/tom`);
  await expect(events.locator('tr[data-outcome="success"]')).toHaveCount(0);

  // Deleting the group takes its member and its policy with it, once its name is typed.
  await page.goto('/groups/details/BisDev');
  await hydrated(page);
  await expect(page.getByTestId('delete-removes')).toContainText('the membership of 1 user, 1 attached managed policy');
  await page.getByLabel('To confirm, type the group name').fill('BisDev');
  await page.getByRole('button', { name: 'Delete group' }).click();
  await expect(page).toHaveURL(/\/groups$/);
  await expect(page.getByTestId('groups-table')).not.toContainText('BisDev');
  await page.goto('/activity?action=iam:DeleteGroup');
  await expect(events).toContainText('iam:DeleteGroup');
  await page.goto('/users/details/tom');
  await expect(page.getByTestId('access-headline')).toContainText('No access');
});

test('a password policy set on the account page applies to the next password an administrator sets', async ({ page, expectRejection }) => {
  expectRejection(400);
  const account = newAccount('policy');
  await signInAsRoot(page, account.email);
  await page.goto('/account');
  await hydrated(page);
  const rules = page.getByTestId('password-rules-now');
  await expect(rules).toContainText("AWS's default rules");
  await page.getByLabel('Minimum length').fill('5');
  await page.getByRole('button', { name: 'Save password policy' }).click();
  await expect(page.locator('#minimum_password_length-error')).toContainText('from 6 to 128');
  await page.getByLabel('Minimum length').fill('16');
  await page.getByLabel(/^symbol/).check();
  await page.getByRole('button', { name: 'Save password policy' }).click();
  await expect(rules).toContainText('at least 16 characters');
  await expect(rules).toContainText('at least one symbol');

  // A user given a password of 15 characters is refused, naming the rule.
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('User name').fill('pat');
  await page.getByLabel('Let this user sign in to the console').check();
  await page.getByRole('radio', { name: 'Custom password' }).check();
  await page.locator('input[name="password"]').fill('Fifteen-chars-1');
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#password-error')).toContainText('Must have at least 16 characters');

  // Back to the default rules.
  await page.goto('/account');
  await hydrated(page);
  await page.getByRole('button', { name: "Use AWS's default rules" }).click();
  await expect(rules).toContainText("AWS's default rules");
});
