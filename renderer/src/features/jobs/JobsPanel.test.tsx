// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/types/jobs';
import { useJobAnnouncements } from '../../queries/jobs';
import { createFakeApi } from '../../test/fake-api';
import { backupInfo, hostInfo, job, verifyReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { BackupsView } from '../backups/BackupsView';
import { JobsPanel } from './JobsPanel';

// The Jobs panel and a view finding its job again, fed by the host's jobs list and events.

function WithJobEvents({ children }: { children: ReactNode }) {
  useJobAnnouncements();
  return children;
}

const DATABASES = [{ id: 'main', name: 'main.db', path: '/srv/main.db', schema: 'conversation_files' }];
/** A backup a quarter through its copy, at 100 pages a second for 10 s. */
const COPYING = job({
  progress: { operation: 'backup', phase: 'copying pages', done: 1000, total: 4000, unit: 'pages', pageSize: 4096 },
  phaseStartedAt: new Date(Date.now() - 10_000).toISOString(),
  phaseStartDone: 0,
});

describe('JobsPanel', () => {
  it('shows a running job in pages and MB with the time left and who started it, and cancels it by its id', async () => {
    const api = createFakeApi({ jobs: () => [COPYING], cancel: () => ({ cancelled: true }) });
    renderConsole(<JobsPanel databases={DATABASES} />, { api });
    const running = await screen.findByRole('list', { name: 'Running jobs' });
    expect(within(running).getByText(/^copying pages · 1,000 of 4,000 pages \(3\.9 MB of 16 MB\) · about 3\d s left$/)).toBeTruthy();
    expect(within(running).getByText(/main\.db · by alice · started/)).toBeTruthy();
    fireEvent.click(within(running).getByRole('button', { name: 'Cancel Backup on main.db' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ operationId: 'op-backup-elsewhere' }));
    expect(await within(running).findByRole('button', { name: 'Cancel Backup on main.db' })).toHaveProperty('disabled', true);
  });

  it('moves a job to the recent ones when the host says it ended, with how it ended', async () => {
    const api = createFakeApi({ jobs: () => [COPYING] });
    const { emit } = renderConsole(
      <WithJobEvents>
        <JobsPanel databases={DATABASES} />
      </WithJobEvents>,
      { api },
    );
    await screen.findByRole('list', { name: 'Running jobs' });
    const ended: Job = {
      ...COPYING,
      state: 'failed',
      endedAt: new Date().toISOString(),
      error: { code: 'NO_SPACE', message: 'The disk holding /srv is full: the copy could not be written.' },
    };
    emit({ type: 'job', job: ended });
    const recent = await screen.findByRole('list', { name: 'Recent jobs' });
    expect(within(recent).getByRole('listitem').textContent).toContain('The disk holding /srv is full: the copy could not be written.');
    expect(within(recent).getByRole('img', { name: 'Failed' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Running jobs' })).toBeNull();
    expect(screen.getByText('none running')).toBeTruthy();
  });

  it('lists a job the host was killed during as interrupted, with what it left', async () => {
    const interrupted: Job = {
      ...COPYING,
      kind: 'restore',
      state: 'interrupted',
      endedAt: null,
      left: [
        'The server running it (pid 42) stopped before it ended.',
        'Removed .main~vm~42~0123abcd.partial from /srv/main.db.backups: the copy it was writing when it stopped.',
      ],
    };
    const api = createFakeApi({ jobs: () => [interrupted] });
    renderConsole(<JobsPanel databases={DATABASES} />, { api });
    const recent = await screen.findByRole('list', { name: 'Recent jobs' });
    expect(within(recent).getByRole('img', { name: 'Interrupted' })).toBeTruthy();
    // It never ended (the server stopped): no empty "· ·" where the end and the time taken would be.
    expect(within(recent).getByText(/^main\.db · by alice · started (just now|.+ ago)$/)).toBeTruthy();
    expect(within(recent).getByRole('listitem').textContent).toContain(
      'Interrupted. The server running it (pid 42) stopped before it ended. Removed .main~vm~42~0123abcd.partial',
    );
  });
});

describe('JobsPanel in a busy sidebar (issue 26)', () => {
  const ENDED = Array.from({ length: 30 }, (_, i) =>
    job({
      id: `op-check-${i}`,
      kind: 'verify',
      options: { level: 'quick' },
      state: 'done',
      endedAt: new Date(Date.now() - i * 60_000).toISOString(),
      result: verifyReport(),
    }),
  );

  it('shows the last job that ended and folds the earlier ones into a count, unfolding the five newest, then all', async () => {
    const api = createFakeApi({ jobs: () => [COPYING, ...ENDED] });
    renderConsole(<JobsPanel databases={DATABASES} />, { api });
    expect(within(await screen.findByRole('list', { name: 'Running jobs' })).getAllByRole('listitem')).toHaveLength(1);
    expect(within(screen.getByRole('list', { name: 'Recent jobs' })).getAllByRole('listitem')).toHaveLength(1);
    const fold = screen.getByRole('button', { name: '29 earlier jobs' });
    expect(fold.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    expect(within(screen.getByRole('list', { name: 'Recent jobs' })).getAllByRole('listitem')).toHaveLength(5);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 30 ended jobs' }));
    expect(within(screen.getByRole('list', { name: 'Recent jobs' })).getAllByRole('listitem')).toHaveLength(30);
    fireEvent.click(screen.getByRole('button', { name: 'Fold the earlier jobs' }));
    expect(within(screen.getByRole('list', { name: 'Recent jobs' })).getAllByRole('listitem')).toHaveLength(1);
  });

  it('marks a check that found problems as such, never with the green check of a success', async () => {
    const unhealthy = job({
      id: 'op-bad',
      kind: 'verify',
      options: { level: 'full' },
      state: 'done',
      endedAt: new Date().toISOString(),
      result: verifyReport({ status: 'unhealthy', reason: 'Table file_metadata is missing.' }),
    });
    const api = createFakeApi({ jobs: () => [unhealthy, ENDED[0]] });
    renderConsole(<JobsPanel databases={DATABASES} />, { api });
    fireEvent.click(await screen.findByRole('button', { name: '1 earlier job' }));
    const [bad, good] = within(screen.getByRole('list', { name: 'Recent jobs' })).getAllByRole('listitem');
    expect(within(bad).getByRole('img').getAttribute('aria-label')).toBe('Done: found problems');
    expect(within(bad).getByRole('img').textContent).toBe('!');
    expect(bad.textContent).toContain('Unhealthy');
    expect(within(good).getByRole('img', { name: 'Done' }).textContent).toBe('✓');
  });

  it('offers a read-only console no Cancel (its token may not cancel)', async () => {
    const api = createFakeApi({ jobs: () => [COPYING], hostInfo: () => hostInfo({ readOnly: true }) });
    renderConsole(<JobsPanel databases={DATABASES} />, { api });
    const running = await screen.findByRole('list', { name: 'Running jobs' });
    await waitFor(() => expect(api.hostInfo).toHaveBeenCalled());
    await waitFor(() => expect(within(running).queryByRole('button', { name: /^Cancel/ })).toBeNull());
    expect(within(running).getByText(/main\.db · by alice/)).toBeTruthy();
  });
});

describe('a view and the job it did not start', () => {
  it("the Backups view shows another console's running backup with Cancel, then its result when the host says it is done", async () => {
    const api = createFakeApi({
      jobs: () => [COPYING],
      backups: () => [],
      status: () => {
        throw new Error('not needed');
      },
      cancel: () => ({ cancelled: true }),
    });
    const { emit } = renderConsole(
      <WithJobEvents>
        <BackupsView db="main" />
      </WithJobEvents>,
      { api },
    );
    expect(await screen.findByRole('progressbar', { name: 'Backing up' })).toBeTruthy();
    expect(screen.getByText(/1,000 of 4,000 pages/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back up now' })).toHaveProperty('disabled', true);
    // Its progress events move the bar.
    emit({ type: 'progress', operationId: COPYING.id, db: 'main', progress: { ...COPYING.progress!, done: 3000 } });
    expect(await screen.findByText(/3,000 of 4,000 pages/)).toBeTruthy();

    const taken = backupInfo({ name: 'main-elsewhere.sqlite' });
    emit({ type: 'job', job: { ...COPYING, state: 'done', endedAt: new Date().toISOString(), result: taken } });
    expect(await screen.findByText('Backed up: main-elsewhere.sqlite')).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: 'Backing up' })).toBeNull();
    await waitFor(() => expect(api.backups.mock.calls.length).toBeGreaterThan(1)); // the list is read again
  });
});
