import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expect, hydrated, newAccount, signInAsRoot } from './fixtures';

// One administrator's story, told in order on an account of its own: a user who must
// change the password, policies, group Admins, the wizard, nested groups, sorting.
test.describe.configure({ mode: 'serial' });

let account = { id: '', alias: '', email: '' };
test.beforeAll(() => {
  account = newAccount('directory');
});

let generated = '';

test('root creates a user with a generated password that must be changed', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page, account.email);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.getByRole('link', { name: 'Create user' }).click();
  await hydrated(page);
  await page.getByLabel('User name').fill('newhire');
  await page.getByLabel('Let this user sign in to the console').check();
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('review')).toContainText('Yes, generated password, new password required at first sign-in');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User newhire created.');
  await expect(page.getByTestId('signin-url')).toHaveText(new RegExp(`/signin/${account.alias}$`));
  generated = (await page.getByTestId('generated-password').textContent()) ?? '';
  expect(generated).toHaveLength(20);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download .csv' }).click();
  expect((await download).suggestedFilename()).toBe('newhire_credentials.csv');
  // What an administrator hands over: the name, this password, the account's sign-in URL.
  const csv = readFileSync(await (await download).path(), 'utf8').split('\r\n');
  expect(csv[0]).toBe('User name,Password,Console sign-in URL');
  // (Generated passwords hold no comma or quote, so the cell is the password itself.)
  const url = (await page.getByTestId('signin-url').textContent()) ?? '';
  expect(csv[1]).toBe(`newhire,${generated},${url}`);
  await page.goto('/users');
  await expect(page.getByTestId('users-table')).toContainText('newhire');
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
});

test('the new user signs in at the account URL, must change the password, then works', async ({ page, expectRejection }) => {
  expectRejection(0);
  await page.goto(`/signin/${account.alias}`);
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('newhire');
  await page.getByLabel('Password', { exact: true }).fill(generated);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/change-password$/);
  await page.goto('/users');
  await expect(page).toHaveURL(/\/change-password$/);
  await hydrated(page);
  await page.getByLabel('Current password').fill(generated);
  // The account has no policy: AWS's default rules, ticked off as the password is typed.
  const rules = page.getByTestId('password-rules').locator('li');
  await expect(rules).toHaveCount(3);
  await page.getByLabel('New password', { exact: true }).fill('chosen');
  await expect(rules.filter({ hasText: 'at least 8 characters' })).toHaveAttribute('data-ok', 'false');
  // Meeting every rule is not enough when the password is easy to guess: the meter
  // (the server's own estimate, loaded on first use) says so before the form is sent.
  const verdict = page.getByTestId('password-strength-verdict');
  await page.getByLabel('New password', { exact: true }).fill('Password1!');
  for (const rule of await rules.all()) await expect(rule).toHaveAttribute('data-ok', 'true');
  await expect(verdict).toHaveAttribute('data-enough', 'false');
  await expect(verdict).toContainText('too easy to guess');
  await page.getByLabel('New password', { exact: true }).fill('Chosen-Passw0rd!');
  for (const rule of await rules.all()) await expect(rule).toHaveAttribute('data-ok', 'true');
  await expect(verdict).toHaveAttribute('data-enough', 'true');
  await page.getByLabel('Confirm the new password').fill('Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('principal')).toHaveText('newhire');
  // No policies yet: the dashboard and the Users page say what is missing, as AWS does.
  await expect(page.getByTestId('resources-denied')).toContainText('iam:GetAccountSummary');
});

test('without iam:ListUsers the Users page shows the AWS-style denial', async ({ page, expectRejection }) => {
  expectRejection(403);
  await signInAsNewhire(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('alert')).toContainText(
    /User: arn:aws:iam::\d{12}:user\/newhire is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::\d{12}:user\/\* because no identity-based policy allows the iam:ListUsers action/,
  );
});

test('the policy editor lints while typing without a request, then v2, rollback and a diff', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page, account.email);
  const catalogue = page.waitForResponse((r) => r.url().endsWith('/aws/catalogue.json'));
  await page.goto('/policies/new');
  await hydrated(page);
  // The editor fetches the AWS service catalogue once, compressed, apart from the wasm.
  expect((await catalogue).headers()['content-encoding']).toBe('gzip');
  await expect(page.getByTestId('catalogue-status')).toContainText(/checked against \d{3} AWS services/);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const editor = page.getByLabel('Policy document (JSON)');
  await editor.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject"}\n  ]\n}');
  // The statement without a Resource, on line 4.
  await expect(page.getByTestId('lint-findings').locator('[data-severity="error"]')).toContainText('line 4, Statement[0]');
  // Any service's actions are known, not only iam's.
  await editor.fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunktion","Resource":"*"}]}');
  await expect(page.getByTestId('lint-findings').locator('[data-severity="warning"]')).toContainText('"lambda:InvokeFunktion" matches no lambda action');
  expect(requests, 'linting stays in the browser').toEqual([]);
  await editor.fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}');
  await expect(page.getByTestId('lint-findings').locator('[data-severity="error"]')).toHaveCount(0);
  await page.getByLabel('Policy name').fill('BucketReader');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page).toHaveURL(/\/policies\/view\?arn=/);
  await expect(page.getByTestId('policy-document')).toContainText('s3:GetObject');
  await hydrated(page);
  await page.getByLabel('Policy document (JSON)').fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.getByRole('heading', { name: 'Document (v2)' })).toBeVisible();
  await page.getByRole('button', { name: 'Make v1 the default' }).click();
  await expect(page.getByRole('heading', { name: 'Document (v1)' })).toBeVisible();
  const diff = page.getByTestId('policy-diff');
  await expect(diff).toContainText('- ');
  await expect(diff.locator('span', { hasText: 's3:PutObject' })).toHaveText(/^\+/);
  await expect(diff.locator('span', { hasText: 's3:GetObject' })).toHaveText(/^-/);
});

test('the visual editor writes a statement from the AWS service catalogue into the JSON', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page, account.email);
  await page.goto('/policies/new');
  await hydrated(page);
  await expect(page.getByTestId('catalogue-status')).toContainText('AWS services');
  const editor = page.getByLabel('Policy document (JSON)');
  await editor.fill('');
  await page.getByText('Visual editor: add a statement').click();
  const visual = page.getByTestId('visual-editor');
  // Nothing chosen yet: refused, naming what is missing.
  await visual.getByRole('button', { name: 'Add statement' }).click();
  await expect(visual.getByRole('alert')).toHaveText('choose at least one action');
  await visual.getByRole('combobox', { name: /^Service/ }).selectOption('s3');
  await expect(visual.getByRole('group', { name: /^Read \(\d+\)$/ })).toBeVisible();
  await visual.getByRole('checkbox', { name: 'GetObject', exact: true }).check();
  await visual.getByRole('checkbox', { name: 'ListBucket', exact: true }).check();
  await visual.getByLabel('Resources').fill('arn:aws:s3:::reports\narn:aws:s3:::reports/*');
  await visual.getByLabel('Only from these addresses').fill('203.0.113.0/24');
  await visual.getByLabel(/Only when signed in with MFA/).check();
  await visual.getByRole('button', { name: 'Add statement' }).click();
  await expect(visual.getByRole('alert')).toHaveCount(0);
  const json = JSON.parse(await editor.inputValue());
  expect(json).toEqual({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'],
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      },
    }],
  });
  await expect(page.getByTestId('lint-findings').locator('[data-severity="error"]')).toHaveCount(0);
  // The same JSON is what the form posts.
  await page.getByLabel('Policy name').fill('ReportsReader');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page).toHaveURL(/\/policies\/view\?arn=/);
  await expect(page.getByTestId('policy-document')).toContainText('aws:MultiFactorAuthPresent');
});

test('root creates group Admins with AWS AdministratorAccess and puts the new user in it', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page, account.email);
  await page.goto('/groups');
  await hydrated(page);
  await page.getByLabel('Group name').fill('Admins');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/Admins$/);
  await hydrated(page);
  await page.getByLabel('Attach policy (ARN)').fill('arn:aws:iam::aws:policy/AdministratorAccess');
  await page.getByRole('button', { name: 'Attach' }).click();
  await expect(page.getByTestId('group-policies')).toContainText('arn:aws:iam::aws:policy/AdministratorAccess');
  await page.getByLabel('Add user').fill('newhire');
  await page.getByRole('button', { name: 'Add', exact: true }).first().click();
  await expect(page.getByTestId('group-members')).toContainText('newhire');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  // The user now works as an administrator: the Users page lists everyone.
  await signInAsNewhire(page);
  await expect(page.getByTestId('resource-counts')).toBeVisible();
  await page.goto('/users');
  await expect(page.getByTestId('users-table')).toContainText('newhire');
});

test('the create-user wizard puts a user in a group with a tag, and reopens the step a refusal names; deleting the user', async ({ page, expectRejection }) => {
  expectRejection(409);
  expectRejection(400);
  await signInAsRoot(page, account.email);
  await page.goto('/users/new');
  await hydrated(page);
  const next = page.getByRole('button', { name: 'Next' });
  // The name is checked before the next step, in the browser.
  await next.click();
  await expect(page.getByRole('alert')).toContainText('User name:');
  // A name that is taken is only known to the server: the refusal reopens step 1.
  await page.getByLabel('User name').fill('newhire');
  await next.click();
  await page.getByLabel('Find groups by name').fill('Adm');
  await page.getByTestId('group-choices').getByLabel('Admins').check();
  await expect(page.getByTestId('groups-chosen')).toHaveText('1 of at most 10 groups chosen');
  await next.click();
  await page.getByLabel('Key').fill('team');
  await page.getByLabel('Value').fill('bisdev');
  await next.click();
  const review = page.getByTestId('review');
  await expect(review).toContainText('Admins');
  await expect(review).toContainText('team = bisdev');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#user_name-error')).toContainText('newhire');
  const name = page.getByLabel('User name');
  await expect(name).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await name.fill('wizard.made');
  for (let step = 0; step < 3; step++) await next.click();
  await expect(review).toContainText('wizard.made');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User wizard.made created.');
  await expect(page.getByTestId('created-groups')).toHaveText('Admins');
  await page.getByRole('link', { name: 'Open the user' }).click();
  await expect(page).toHaveURL(/\/users\/details\/wizard\.made$/);
  // The page opens on its Permissions tab; they say where they come from:
  // AdministratorAccess through group Admins.
  await expect(page.getByRole('tab', { name: 'Permissions' })).toHaveAttribute('aria-selected', 'true');
  const permissions = page.getByTestId('user-permissions');
  await expect(permissions).toContainText('AdministratorAccess');
  await expect(permissions).toContainText('Group Admins');
  await hydrated(page);
  await page.getByRole('tab', { name: 'Groups (1)' }).click();
  await expect(page).toHaveURL(/\?section=groups$/);
  await expect(page.getByTestId('user-groups')).toContainText('Admins');
  await expect(permissions).toBeHidden();
  // Tags are edited in place, on their tab.
  await page.getByRole('tab', { name: 'Tags (1)' }).click();
  await expect(page.getByRole('tab', { name: 'Tags (1)' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('team=bisdev')).toBeVisible();
  await page.getByLabel('Tag key').fill('env');
  await page.getByLabel('Tag value').fill('prod');
  await page.getByRole('button', { name: 'Add tag' }).click();
  const tags = page.getByTestId('user-tags');
  await expect(tags).toContainText('env=prod');
  await page.getByRole('button', { name: 'Remove tag team' }).click();
  await expect(tags).not.toContainText('team=bisdev');
  await expect(tags).toContainText('env=prod');
  await page.getByRole('tab', { name: 'Security credentials' }).click();
  await expect(page.getByTestId('console-access')).toHaveText('No console access.');
  // Deleting takes the group membership with it, once the name is typed again.
  await expect(page.getByTestId('delete-removes')).toContainText('membership of 1 group');
  const confirm = page.getByLabel('To confirm, type the user name');
  await confirm.fill('wizard');
  await page.getByRole('button', { name: 'Delete user' }).click();
  await expect(page.locator('#confirmation-error')).toContainText('Type the user name wizard.made exactly');
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');
  await confirm.fill('wizard.made');
  await page.getByRole('button', { name: 'Delete user' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByTestId('users-table')).not.toContainText('wizard.made');
});

test('a nested-group cycle is refused with a clear message', async ({ page, expectRejection }) => {
  expectRejection(400);
  await signInAsRoot(page, account.email);
  for (const name of ['Company', 'Engineering']) {
    await page.goto('/groups');
    await hydrated(page);
    await page.getByLabel('Group name').fill(name);
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect(page).toHaveURL(new RegExp(`/groups/details/${name}$`));
  }
  await page.goto('/groups/details/Company');
  await hydrated(page);
  await page.getByLabel('Add a member group').fill('Engineering');
  await page.getByRole('button', { name: 'Add', exact: true }).nth(1).click();
  await expect(page.getByTestId('member-groups')).toContainText('Engineering');
  await page.goto('/groups/details/Engineering');
  await hydrated(page);
  await page.getByLabel('Add a member group').fill('Company');
  await page.getByRole('button', { name: 'Add', exact: true }).nth(1).click();
  // Beside the field it is about, which is marked invalid and takes the focus.
  await expect(page.locator('#member_group_name-error')).toContainText(
    'Group Company cannot be added to group Engineering: Engineering is already inside Company',
  );
  const field = page.getByLabel('Add a member group');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
});


test('the Users list sorts by a column header, both ways, and a search keeps the order', async ({ page, expectRejection }) => {
  expectRejection(0);
  await signInAsRoot(page, account.email);
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('User name').fill('analyst');
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toContainText('User analyst created.');

  await page.goto('/users');
  await hydrated(page);
  const table = page.getByTestId('users-table');
  const firstUser = table.locator('tbody tr').first().locator('td').first();
  const header = (name: string) => table.getByRole('columnheader', { name: new RegExp(`^${name}`) });
  await expect(header('User name')).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstUser).toHaveText('analyst');

  // newhire is in Admins; analyst in no group.
  await header('Groups').getByRole('link').click();
  await expect(page).toHaveURL(/sort=groups&order=asc/);
  await expect(header('Groups')).toHaveAttribute('aria-sort', 'ascending');
  await expect(header('User name')).not.toHaveAttribute('aria-sort', /.*/);
  await expect(firstUser).toHaveText('analyst');
  await header('Groups').getByRole('link').click();
  await expect(page).toHaveURL(/sort=groups&order=desc/);
  await expect(header('Groups')).toHaveAttribute('aria-sort', 'descending');
  await expect(firstUser).toHaveText('newhire');

  // Only newhire has signed in; "never" comes first going up.
  await header('Last console sign-in').getByRole('link').click();
  await expect(page).toHaveURL(/sort=last_sign_in&order=asc/);
  await expect(firstUser).toHaveText('analyst');
  await page.getByLabel('Search by name').fill('analyst');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=analyst.*sort=last_sign_in&order=asc|sort=last_sign_in&order=asc.*q=analyst/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(header('Last console sign-in')).toHaveAttribute('aria-sort', 'ascending');
});

async function signInAsNewhire(page: Page) {
  await page.goto(`/signin/${account.alias}`);
  await hydrated(page);
  await page.getByLabel('IAM user name').fill('newhire');
  await page.getByLabel('Password', { exact: true }).fill('Chosen-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

test('an inline policy written and edited on a group; a policy deleted with what hangs on it; the Activity page tells it all', async ({ page, expectRejection }) => {
  expectRejection(400);
  await signInAsRoot(page, account.email);
  await page.goto('/groups/details/Engineering');
  await hydrated(page);
  await page.getByRole('link', { name: 'Create inline policy' }).click();
  await expect(page.getByRole('heading', { name: 'Create an inline policy for group Engineering' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Policy name').fill('ListTheTeam');
  const editor = page.getByLabel('Policy document (JSON)');
  await editor.fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/Engineering$/);
  await page.getByTestId('group-inline-policies').getByRole('link', { name: 'ListTheTeam' }).click();
  await expect(page.getByRole('heading', { name: 'Inline policy ListTheTeam of group Engineering' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel('Policy document (JSON)')).toHaveValue(/"iam:ListUsers"/);
  await page.getByLabel('Policy document (JSON)').fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:ListGroups"],"Resource":"*"}]}');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(/\/groups\/details\/Engineering$/);
  await page.goto('/inline-policy?group=Engineering&name=ListTheTeam');
  await expect(page.getByLabel('Policy document (JSON)')).toHaveValue(/"iam:ListGroups"/);

  // BucketReader (two versions) attached to the group, then deleted from its page.
  await page.goto('/groups/details/Engineering');
  await hydrated(page);
  const arn = `arn:aws:iam::${account.id}:policy/BucketReader`;
  await page.getByLabel('Attach policy (ARN)').fill(arn);
  await page.getByRole('button', { name: 'Attach', exact: true }).click();
  await expect(page.getByTestId('group-policies')).toContainText(arn);
  await page.goto(`/policies/view?arn=${encodeURIComponent(arn)}`);
  await hydrated(page);
  await expect(page.getByTestId('delete-removes')).toContainText('detaches it from 1 entity and deletes 1 other version');
  const confirmation = page.getByLabel('To confirm, type the policy name');
  await confirmation.fill('BucketRead');
  await page.getByRole('button', { name: 'Delete policy' }).click();
  await expect(page.locator('#confirmation-error')).toContainText('Type the policy name BucketReader exactly to confirm the deletion.');
  await confirmation.fill('BucketReader');
  await page.getByRole('button', { name: 'Delete policy' }).click();
  await expect(page).toHaveURL(/\/policies$/);
  await page.goto('/groups/details/Engineering');
  await expect(page.getByTestId('group-policies')).not.toContainText('BucketReader');

  // Every step of this story is in the log, the refused cycle among them (filtered by
  // action: the story holds more events than one page).
  const events = page.getByTestId('activity-table');
  for (const action of [
    'iam:CreateUser', 'iam:CreateLoginProfile', 'iam:ChangePassword', 'iam:CreatePolicy',
    'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:CreateGroup',
    'iam:AttachGroupPolicy', 'iam:AddUserToGroup', 'iam:AddGroupToGroup', 'iam:PutGroupPolicy',
    'iam:DetachGroupPolicy', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'signin:ConsoleLogin',
  ]) {
    await page.goto(`/activity?action=${action}`);
    await expect(events.getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
  }
  await page.goto('/activity?action=iam:AddGroupToGroup&outcome=failure');
  await expect(events).toContainText('arn:aws:iam::' + account.id + ':group/Engineering');
});
