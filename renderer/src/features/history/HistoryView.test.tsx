// @vitest-environment jsdom
import { fireEvent, screen, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api';
import type { Job } from '../../../../shared/types/jobs';
import { FRESH_STATUS, REHEARSAL_OK, historyReport, lifecycleEvent, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { HistoryView } from './HistoryView';

// 10,000 events, newest first (as the engine answers), every 97th one failed.
const EVENTS = Array.from({ length: 10_000 }, (_, i) => {
  const id = 10_000 - i;
  return lifecycleEvent(id, id % 97 === 0 ? { outcome: 'failed', action: 'migrate', detail: { file: '1.2.0__x.sql', line: 3, sqliteMessage: 'boom' } } : {});
});

// jsdom lays nothing out: give every element the size of a 600 px high list, as a browser would.
const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(Element.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(Element.prototype, 'clientWidth', clientWidth);
});

function renderHistory() {
  return renderConsole(<HistoryView db="main" />, { api: createFakeApi({ status: () => statusReport(), history: () => historyReport(EVENTS) }) });
}

describe('HistoryView', () => {
  it('lists the applied versions newest first, the current one marked', async () => {
    renderHistory();
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => (r as HTMLTableRowElement).cells[0].textContent)).toEqual(['1.2.0current', '1.1.0', '1.0.0']);
  });

  it('renders only the rows in view out of 10,000 events, newest first', async () => {
    renderHistory();
    const list = await screen.findByRole('listbox', { name: 'Lifecycle events, newest first' });
    const options = within(list).getAllByRole('option');
    expect(options.length).toBeGreaterThan(0);
    expect(options.length).toBeLessThan(60);
    expect(options[0].getAttribute('aria-setsize')).toBe('10000');
    expect(options[0].textContent).toContain('backup-10000.sqlite');
    expect(screen.getByText('10,000 events')).toBeTruthy();
  });

  it('filters to failures, which stand out with a label', async () => {
    renderHistory();
    await screen.findByRole('listbox');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Failed only' }));
    expect(await screen.findByText('103 of 10,000 events')).toBeTruthy();
    const first = within(screen.getByRole('listbox')).getAllByRole('option')[0];
    expect(first.textContent).toContain('Failed');
    expect(first.textContent).toContain('1.2.0__x.sql failed at line 3: boom');
  });

  it('opens an event with Enter from the keyboard and tells its recorded detail in words, no JSON', async () => {
    renderHistory();
    const list = await screen.findByRole('listbox');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'Enter' });
    const dialog = await screen.findByRole('dialog', { name: 'Backup · event 9999' });
    expect(dialog.textContent).toContain('Took a backup taken by hand, backup-9999.sqlite.');
    expect(dialog.textContent).toContain('ops@vm-01, 2025-01-0');
    expect(dialog.textContent).not.toMatch(/[{}"]|name:|reason:/);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("lists the rehearsals and checks the host keeps, which are not written into the database's history", async () => {
    const job = (id: string, kind: Job['kind'], db: string, result: unknown, state: Job['state'] = 'done'): Job => ({
      id,
      kind,
      db,
      options: kind === 'verify' ? { level: 'full' } : { to: '1.2.0' },
      state,
      progress: null,
      phaseStartedAt: null,
      phaseStartDone: 0,
      startedAt: '2026-11-30T10:00:00.000Z',
      endedAt: '2026-11-30T10:00:02.000Z',
      startedBy: 'alice via warden serve (ops@vm1, pid 7)',
      result,
      error: null,
    });
    const jobs = [
      job('op-r', 'rehearse', 'main', { ...REHEARSAL_OK }),
      job('op-v', 'verify', 'main', { status: 'healthy' }),
      job('op-b', 'backup', 'main', { name: 'x.sqlite', bytes: 1 }),
      job('op-other', 'rehearse', 'other', { ...REHEARSAL_OK }),
    ];
    renderConsole(<HistoryView db="main" />, { api: createFakeApi({ status: () => statusReport(), history: () => historyReport([]), jobs: () => jobs }) });
    const table = await screen.findByRole('table', { name: 'Rehearsals and checks this host ran on the database, newest first' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => [...(r as HTMLTableRowElement).cells].slice(1).map((c) => c.textContent));
    expect(rows).toEqual([
      ['Rehearsal of 1.2.0', 'Passed, reached 1.2.0', 'alice via warden serve (ops@vm1, pid 7)'],
      ['Full integrity check', 'Healthy', 'alice via warden serve (ops@vm1, pid 7)'],
    ]);
  });

  it('says so when nothing has been recorded yet', async () => {
    renderConsole(<HistoryView db="main" />, {
      api: createFakeApi({ status: () => statusReport({ version: null }), history: () => ({ ...historyReport([]), versions: [], version: null }) }),
    });
    expect(await screen.findByText('No version applied yet')).toBeTruthy();
    expect(screen.getByText('No events recorded yet')).toBeTruthy();
  });

  it('before initialization, shows the friendly empty state of the other views, not an error (issue 14)', async () => {
    const missing = createFakeApi({ status: () => ({ ...FRESH_STATUS, exists: false }) });
    renderConsole(<HistoryView db="main" />, { api: missing });
    expect(await screen.findByText('No history yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Initialize it from the Overview' }).getAttribute('href')).toBe('#/db/main/overview');
    expect(missing.history).not.toHaveBeenCalled();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('an empty file: the same empty state once its history is read and found empty', async () => {
    const empty = createFakeApi({ status: () => FRESH_STATUS, history: () => ({ ...historyReport([]), versions: [], version: null }) });
    renderConsole(<HistoryView db="main" />, { api: empty });
    expect(await screen.findByText('No history yet')).toBeTruthy();
    expect(empty.history).toHaveBeenCalled();
  });
});
