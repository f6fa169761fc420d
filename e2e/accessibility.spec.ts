import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCREENSHOTS, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The walks below open every view of the console in turn: on a busy machine that is more than the
// 90 s a test is given (a CI run timed out at 1.5 min under a load of 15 on 2 cores).
test.describe.configure({ timeout: 240_000 });

// Every view of the console, checked the way people with other needs meet it: axe-core's rules
// (no moderate, serious or critical violation, light and dark), and the layout at 1024 px and at 200% zoom
// (every action button visible or reachable by scrolling, none cut off). Screenshots go to
// docs/screenshots, to be looked at.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');
// Headless Chromium hides scrollbars by default; here they show, as they do for people: a table
// that scrolls sideways must show that it does, in the screenshots too.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    ignoreDefaultArgs: ['--hide-scrollbars'],
  },
});

let dir: string;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);

function run(args: string[]): void {
  const result = warden(args);
  if (result.status !== 0) throw new Error(`warden ${args.join(' ')} failed: ${result.stderr}`);
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-a11y-'));
  // A healthy database with rows and a backup, one behind on its migrations, one with a table
  // dropped, an empty file and a file that is no database: every state the landing sorts.
  run(['init', '--db', db('orders')]);
  sqlite(
    db('orders'),
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || i, 's-' || (i % 5), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, i * 100, 'h-' || i FROM n;",
  );
  run(['backup', '--db', db('orders')]);
  run(['init', '--db', db('upgrade'), '--to', '1.0.0']);
  run(['init', '--db', db('dropped')]);
  sqlite(db('dropped'), 'DROP TABLE file_metadata;');
  writeFileSync(db('fresh'), '');
  writeFileSync(db('notes'), 'Meeting notes, not a database.\n');
  host = await startWardenServe(['orders', 'upgrade', 'dropped', 'fresh', 'notes'].map(db));
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface View {
  name: string;
  /** The console's address after the token: the landing, or a database's view. */
  hash: string;
  /** What shows once the view has its data. */
  ready: (page: Page) => Promise<void>;
}

const VIEWS: View[] = [
  {
    name: 'landing',
    hash: '#/',
    ready: async (page) => void (await expect(page.getByRole('status').filter({ hasText: /^5 databases: / })).toContainText('1 healthy')),
  },
  {
    name: 'overview',
    hash: '#/db/upgrade/overview',
    ready: async (page) => void (await expect(page.getByRole('region', { name: 'Status and next step' })).toContainText('Migrate to 1.2.0')),
  },
  { name: 'history', hash: '#/db/orders/history', ready: async (page) => void (await expect(page.getByRole('table').first()).toContainText('1.2.0')) },
  {
    name: 'integrity',
    hash: '#/db/dropped/integrity',
    ready: async (page) => void (await expect(page.getByRole('button', { name: 'Repair…' })).toBeVisible()),
  },
  {
    name: 'schema',
    hash: '#/db/dropped/schema',
    ready: async (page) => void (await expect(page.getByRole('heading', { name: 'Differences' })).toBeVisible()),
  },
  {
    name: 'sizes',
    hash: '#/db/orders/sizes',
    ready: async (page) => void (await expect(page.getByRole('heading', { name: 'Size per table and index' })).toBeVisible()),
  },
  { name: 'plan', hash: '#/db/upgrade/plan', ready: async (page) => void (await expect(page.getByRole('button', { name: 'Apply…' })).toBeVisible()) },
  {
    name: 'backups',
    hash: '#/db/orders/backups',
    ready: async (page) => void (await expect(page.getByRole('button', { name: /^Restore backup / }).first()).toBeVisible()),
  },
  {
    name: 'data',
    hash: '#/db/orders/data',
    ready: async (page) => void (await expect(page.getByRole('table', { name: 'Tables and views' })).toContainText('conversation_files')),
  },
  {
    name: 'data-rows',
    hash: '#/db/orders/data',
    ready: async (page) => {
      await page.getByRole('table', { name: 'Tables and views' }).getByRole('button', { name: 'Query conversation_files in the SQL box' }).click();
      await expect(page.getByRole('table', { name: 'Query result' }).getByRole('row')).toHaveCount(41); // the header and 40 rows
    },
  },
  {
    name: 'data-browse',
    hash: '#/db/orders/data',
    ready: async (page) => {
      await page.getByRole('table', { name: 'Tables and views' }).getByRole('button', { name: 'conversation_files', exact: true }).click();
      await expect(page.getByRole('grid', { name: 'Rows of conversation_files' }).getByRole('gridcell').first()).toBeVisible();
    },
  },
];

async function open(page: Page, view: View): Promise<void> {
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);
  await page.evaluate((hash) => (window.location.hash = hash), view.hash);
  await view.ready(page);
  // The sidebar's health lines come in on their own; wait until none is still checking.
  await expect(page.getByText('Checking…')).toHaveCount(0);
}

/** axe's impacts counted: moderate too, where heading-order (a heading level skipped) and region (content outside every landmark) are. */
const COUNTED = new Set(['moderate', 'serious', 'critical']);

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe-core finds no moderate, serious or critical violation on any view, ${colorScheme} mode`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const found: string[] = [];
    for (const view of VIEWS) {
      await open(page, view);
      if (colorScheme === 'dark' && (view.name === 'landing' || view.name === 'plan'))
        await page.screenshot({ path: join(SCREENSHOTS, `dark-${view.name}.png`) });
      const { violations } = await new AxeBuilder({ page }).analyze();
      for (const v of violations.filter((x) => COUNTED.has(x.impact ?? ''))) {
        found.push(
          `${view.name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
        );
      }
    }
    expect(found).toEqual([]);
  });
}

/**
 * Every action on the page — buttons and links styled as buttons — can be brought into view and is
 * then neither cut off by a scrolling or clipping ancestor nor hidden under something else.
 */
async function unreachableActions(page: Page, selector = 'main button:visible, main a.button:visible, aside button:visible'): Promise<string[]> {
  const actions = page.locator(selector);
  const problems: string[] = [];
  const count = await actions.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const action = actions.nth(i);
    await action.scrollIntoViewIfNeeded();
    const problem = await action.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
      if (box.width < 1 || box.height < 1) return `${name}: has no size`;
      if (box.left < -0.5 || box.top < -0.5 || box.right > window.innerWidth + 0.5 || box.bottom > window.innerHeight + 0.5)
        return `${name}: outside the window (${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)})`;
      for (let parent = el.parentElement; parent; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const clip = parent.getBoundingClientRect();
        if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5 || box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5) {
          return `${name}: cut off by ${parent.tagName.toLowerCase()}.${parent.className}`;
        }
      }
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (!hit || !(el === hit || el.contains(hit))) return `${name}: covered by ${hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing'}`;
      return null;
    });
    if (problem) problems.push(problem);
  }
  return problems;
}

// 200% zoom, as Chromium's zoom does it: a 1024×768 window at 200% lays the page out in a
// 512×384 CSS-pixel viewport and draws each CSS pixel as 2×2 device pixels. That is this
// viewport with deviceScaleFactor 2 (the screenshots are 1024×768 pixels, as on such a screen).
const LAYOUTS = [
  { name: '1024', viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1 },
  { name: 'zoom200', viewport: { width: 512, height: 384 }, deviceScaleFactor: 2 },
] as const;

for (const layout of LAYOUTS) {
  test.describe(`layout at ${layout.name === '1024' ? '1024 px wide' : '200% zoom'}`, () => {
    test.use({ viewport: layout.viewport, deviceScaleFactor: layout.deviceScaleFactor });

    test('every action is visible or reachable by scrolling, none clipped; screenshots of each view', async ({ page }) => {
      const problems: string[] = [];
      for (const view of VIEWS) {
        await open(page, view);
        if (view.name === 'data-rows' && layout.name === 'zoom200') {
          // Too wide for 512 px: the result scrolls in its own frame, which the keyboard can reach.
          await expect(page.getByRole('group', { name: 'Query result' })).toHaveAttribute('tabindex', '0');
        }
        await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
        await page.screenshot({ path: join(SCREENSHOTS, `layout-${layout.name}-${view.name}.png`) });
        // A virtualized grid renders rows ahead of the scroll and moves them as it scrolls, so its row
        // buttons are not walked one by one: the grid itself is scrolled (e2e/data-browse.spec.ts).
        const actions = view.name === 'data-browse' ? 'main button:visible:not(.rows-grid *), aside button:visible' : undefined;
        problems.push(...(await unreachableActions(page, actions)).map((p) => `${view.name}: ${p}`));
        // Neither the page nor the view scrolls sideways: a wide table scrolls inside its own frame.
        const overflow = await page.evaluate(() => [document.documentElement, document.getElementById('main')!].map((el) => el.scrollWidth - el.clientWidth));
        if (overflow.some((px) => px > 0)) problems.push(`${view.name}: the page or the view is ${Math.max(...overflow)} px wider than the window`);
        // What is reflowed for a narrow window is checked again, in both themes: a table that now scrolls must be reachable by keyboard.
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          const { violations } = await new AxeBuilder({ page }).analyze();
          for (const v of violations.filter((x) => COUNTED.has(x.impact ?? ''))) {
            problems.push(
              `${view.name} (${colorScheme}): ${v.id} (${v.impact}) ${v.help} — ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(' | ')}`,
            );
          }
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
      expect(problems).toEqual([]);
    });
  });
}

test('at 200% zoom a confirmation dialog fits, its buttons in reach', async ({ page }) => {
  await page.setViewportSize({ width: 512, height: 384 });
  await open(page, VIEWS.find((v) => v.name === 'plan')!);
  await page.getByRole('button', { name: 'Apply…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Migrate from 1.0.0 to 1.2.0?' });
  await expect(dialog).toBeVisible();
  expect(await unreachableActions(page, '[role="dialog"] button:visible')).toEqual([]);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused(); // the safe choice first
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('at 200% zoom the sidebar starts folded and opens with its toggle', async ({ page }) => {
  await page.setViewportSize({ width: 512, height: 384 });
  await open(page, VIEWS[0]);
  await expect(page.getByRole('navigation', { name: 'Databases' })).toBeHidden();
  await page.getByRole('button', { name: 'Show the databases list' }).click();
  await expect(page.getByRole('navigation', { name: 'Databases' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Hide the databases list' })).toHaveAttribute('aria-expanded', 'true');
});

test('the skip link is the first stop of the keyboard and moves focus to the main content', async ({ page }) => {
  await open(page, VIEWS[1]);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await expect(page).toHaveURL(/#\/db\/upgrade\/overview$/);
});

test('text follows the browser font size: at 20 px the console is a quarter larger', async ({ page }) => {
  await open(page, VIEWS[1]);
  const sizeOf = () => page.getByRole('heading', { level: 1 }).evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  const atDefault = await sizeOf();
  await page.evaluate(() => (document.documentElement.style.fontSize = '20px')); // as the browser's font-size setting does
  expect(await sizeOf()).toBeCloseTo(atDefault * 1.25, 1);
});
