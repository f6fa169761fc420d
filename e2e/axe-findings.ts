import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** axe-core's findings of impact moderate or worse in `selector`, in the light and the dark theme (left light). */
export async function axeFindings(page: Page, selector = 'body'): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
    found.push(
      ...violations
        .filter((v) => v.impact === 'moderate' || v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    );
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
