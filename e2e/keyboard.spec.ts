import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backUp, initAt, startWardenServe, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The console by keyboard (issue 26): how many Tabs from a fresh page to the migration plan's
// Rehearse, the lists that are one Tab stop each, and the operator's name answered with Enter.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);
const HEALTHY = ['orders', 'users', 'audit', 'events'];

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-keyboard-'));
  for (const name of HEALTHY) {
    initAt(db(name));
    backUp(db(name));
  }
  initAt(db('upgrade'), '1.0.0');
  // Started without --operator: the console asks each browser session for a name, as on a first visit.
  host = await startWardenServe([...HEALTHY, 'upgrade'].map(db));
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openAt(page: Page, hash: string): Promise<void> {
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);
  await page.evaluate((h) => (window.location.hash = h), hash);
  await expect(page.getByText('Checking…')).toHaveCount(0);
}

/** Presses Tab until `target` has the focus; the number of presses it took. */
async function tabsTo(page: Page, target: Locator, most = 60): Promise<number> {
  for (let presses = 0; presses <= most; presses++) {
    if (await target.evaluate((el) => el === document.activeElement)) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${String(target)} was not reached in ${most} Tabs`);
}

test('Rehearse is 11 Tabs from a fresh page with five databases open (it was 27: two per database, one per view); 6 after the skip link', async ({ page }) => {
  await openAt(page, '#/db/upgrade/plan');
  const rehearse = page.getByRole('button', { name: 'Rehearse on a copy' });
  await expect(rehearse).toBeVisible();
  await page.reload(); // from the page's start, as a person arriving there
  await expect(rehearse).toBeVisible();
  await expect(page.getByText('Checking…')).toHaveCount(0);
  // Skip link, sidebar toggle, home, the databases list (one stop), New database…, the operator's
  // name, its two buttons, Refresh, the views (one stop), Rehearse.
  expect(await tabsTo(page, rehearse)).toBe(11);

  await page.reload();
  await expect(rehearse).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  // Past the operator's question (three stops), Refresh and the views.
  expect(await tabsTo(page, rehearse)).toBe(6);
});

test('the databases list and the views are one Tab stop each; the arrow keys move inside them and reach Close', async ({ page }) => {
  await openAt(page, '#/db/users/overview');
  const list = page.getByRole('navigation', { name: 'Databases' });
  const users = list.getByRole('link', { name: /users\.db/ });
  await expect(users).toHaveAttribute('tabindex', '0'); // the open database is the list's stop
  await expect(list.locator('a[tabindex="0"], button[tabindex="0"]')).toHaveCount(1);
  await users.focus();
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('link', { name: /audit\.db/ })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(list.getByRole('button', { name: 'Close audit.db' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('End');
  await expect(list.getByRole('link', { name: /upgrade\.db/ })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(list.getByRole('link', { name: /orders\.db/ })).toBeFocused();

  const views = page.getByRole('navigation', { name: 'Views' });
  await expect(views.locator('a[tabindex="0"]')).toHaveText('Overview');
  await views.getByRole('link', { name: 'Overview' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(views.getByRole('link', { name: 'Integrity' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/db\/users\/integrity$/);
  await expect(views.locator('a[tabindex="0"]')).toHaveText('Integrity');
});

test("Enter in the operator's name field keeps the keyboard in the page: focus moves to the main area, not to nowhere", async ({ page }) => {
  await openAt(page, '#/db/orders/overview');
  const name = page.getByRole('textbox', { name: 'Your name' });
  await name.fill('dana');
  await name.press('Enter');
  await expect(page.getByText('Acting as dana')).toBeVisible();
  await expect(page.getByRole('main')).toBeFocused();
  await page.keyboard.press('Tab'); // and the next Tab goes on into the view
  expect(await page.evaluate(() => document.getElementById('main')!.contains(document.activeElement))).toBe(true);
});
