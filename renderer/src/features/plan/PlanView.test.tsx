// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/types/jobs';
import type { MigrationPlan, RehearsalReport } from '../../../../shared/types/migrations';
import type { StatusReport } from '../../../../shared/types/status';
import { ApiError } from '../../api/api-error';
import { browseTargetOf } from '../../lib/browse-link';
import { createFakeApi } from '../../test/fake-api';
import { PLAN_FROM_100, REHEARSAL_OK, backupInfo, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { PlanView } from './PlanView';

const AT_100 = statusReport({ status: 'degraded', version: '1.0.0', pending: ['1.1.0', '1.2.0'], reason: 'At 1.0.0; 2 migrations pending (1.1.0, 1.2.0).' });

function databaseAt100(jobs: Job[] = []) {
  let status: StatusReport = AT_100;
  let plan: MigrationPlan = PLAN_FROM_100;
  return createFakeApi({
    jobs: () => jobs,
    status: () => status,
    plan: () => plan,
    backups: () => [backupInfo()],
    rehearse: () => REHEARSAL_OK,
    migrate: () => {
      status = statusReport();
      plan = { ...PLAN_FROM_100, from: '1.2.0', steps: [], checksum: 'plan-from-1.2.0', databaseStamp: 'stamp-after-migrate' };
      return {
        path: status.path,
        from: '1.0.0',
        to: '1.2.0',
        upToDate: false,
        adopted: null,
        repeated: [],
        applied: [
          { version: '1.1.0', description: 'access log reference type', executionMs: 12 },
          { version: '1.2.0', description: 'storage backend', executionMs: 30 },
        ],
        backup: backupInfo({ name: 'conversation_files-pre-migrate.sqlite', reason: 'pre-migrate', version: '1.0.0' }),
      };
    },
  });
}

describe('PlanView', () => {
  it('shows each pending step with highlighted SQL and its warnings beside the statements', async () => {
    renderConsole(<PlanView db="main" />, { api: databaseAt100() });
    const steps = await screen.findAllByRole('article');
    expect(steps.map((s) => s.getAttribute('aria-label'))).toEqual(['Step 1: 1.1.0', 'Step 2: 1.2.0']);
    const sql = within(steps[0]).getByRole('group', { name: 'SQL with linter warnings' });
    expect(sql.querySelector('.hljs-keyword')?.textContent).toBe('CREATE TABLE');
    const note = within(sql).getByText('Drops file_access_log.').closest('.sql-listing__notes') as HTMLElement;
    expect(note.style.gridRow).toBe('5 / span 1');
    expect(within(steps[0]).getByText('1 danger')).toBeTruthy();
    expect(within(steps[1]).getByText('No warnings')).toBeTruthy();
  });

  it('says how many rows a step will change, with a link that browses them in the Data view', async () => {
    renderConsole(<PlanView db="main" />, { api: databaseAt100() });
    const steps = await screen.findAllByRole('article');
    expect(within(steps[0]).queryByRole('list', { name: 'Rows 1.1.0 changes' })).toBeNull();
    const rows = within(steps[1]).getByRole('list', { name: 'Rows 1.2.0 changes' });
    expect(rows.textContent).toBe(
      '1.2.0 will fill in mime_type (as application/octet-stream) on 100 rows of conversation_files · Browse them (counted in the rows as they are now; the steps before it run first)',
    );
    const link = within(rows).getByRole('link', { name: 'Browse them' });
    expect(browseTargetOf(link.getAttribute('href') ?? '')).toEqual({
      table: 'conversation_files',
      sort: null,
      filters: [{ column: 'mime_type', op: 'isNull' }],
    });
    expect(link.getAttribute('href')).toMatch(/^#\/db\/main\/data\?browse=/);
  });

  it('rehearses on a copy and shows per-step results and row counts per table', async () => {
    const api = databaseAt100();
    renderConsole(<PlanView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Rehearse on a copy' }));
    expect(await screen.findByText('Rehearsal passed: 1.0.0 → 1.2.0 in 340 ms')).toBeTruthy();
    const rows = screen.getByRole('table', { name: 'Rows per table before the first step and after each step' });
    expect(within(rows).getByRole('row', { name: /file_access_log/ }).textContent).toBe('file_access_log300300300');
    expect(api.rehearse).toHaveBeenCalledWith({ db: 'main', to: '1.2.0', operationId: expect.stringMatching(/^op-/) });
    expect(screen.getByText('Every service statement works at 1.2.0')).toBeTruthy();
  });

  it("shows the host's last rehearsal while the plan and the database are those it ran on, and why not when they are not", async () => {
    const rehearsedBy = (result: RehearsalReport): Job => ({
      id: 'op-rehearsed-elsewhere',
      kind: 'rehearse',
      db: 'main',
      options: { to: '1.2.0' },
      state: 'done',
      progress: null,
      phaseStartedAt: null,
      phaseStartDone: 0,
      startedAt: new Date(Date.now() - 120_000).toISOString(),
      endedAt: new Date(Date.now() - 119_000).toISOString(),
      startedBy: 'alice via warden serve (ops@vm1, pid 7)',
      result,
      error: null,
    });
    const same = renderConsole(<PlanView db="main" />, { api: databaseAt100([rehearsedBy(REHEARSAL_OK)]) });
    expect(await screen.findByText('Rehearsal passed: 1.0.0 → 1.2.0 in 340 ms')).toBeTruthy();
    expect(screen.getByText('The last rehearsal of this plan (2 minutes ago, by alice), on the database as it is now.')).toBeTruthy();
    same.unmount();

    const written = renderConsole(<PlanView db="main" />, {
      api: databaseAt100([rehearsedBy({ ...REHEARSAL_OK, databaseStamp: 'stamp-100-before-a-write' })]),
    });
    expect(await screen.findByText(/ran on the database before it was last written to, so its result may not hold now/)).toBeTruthy();
    expect(screen.queryByText(/Rehearsal passed/)).toBeNull();
    written.unmount();

    renderConsole(<PlanView db="main" />, { api: databaseAt100([rehearsedBy({ ...REHEARSAL_OK, planChecksum: 'another-plan' })]) });
    expect(await screen.findByText(/ran on a different plan/)).toBeTruthy();
    expect(screen.queryByText(/Rehearsal passed/)).toBeNull();
  });

  it('shows what the service statements cover, and says so when the schema lists none', async () => {
    const { unmount } = renderConsole(<PlanView db="main" />, { api: databaseAt100() });
    const coverage = await screen.findByRole('region', { name: 'Service statements' });
    expect(coverage.textContent).toContain('Service statements (service-statements.json): 17 writes, 10 reads. Rehearse runs each on the migrated copy.');
    expect(within(coverage).getByText('Not covered').nextElementSibling?.textContent).toBe('file_cleanup_queue');
    unmount();
    renderConsole(<PlanView db="main" />, { api: createFakeApi({ status: () => AT_100, plan: () => ({ ...PLAN_FROM_100, serviceStatements: null }) }) });
    expect((await screen.findByRole('region', { name: 'Service statements' })).textContent).toContain('No service statements are listed');
  });

  it("a rehearsal whose steps pass but a service statement fails is a failure, naming the statement, its SQL and SQLite's error", async () => {
    const api = databaseAt100();
    const upload = 'INSERT INTO conversation_files (file_id, mime_type) VALUES (?, ?)';
    api.rehearse.mockImplementation(async () => ({
      ...REHEARSAL_OK,
      ok: false,
      serviceStatements: {
        ...REHEARSAL_OK.serviceStatements!,
        results: [
          {
            name: 'Upload a file with no MIME type and no uploader',
            sql: upload,
            role: 'write',
            outcome: 'failed',
            rows: null,
            error: 'NOT NULL constraint failed: conversation_files.mime_type',
          },
          {
            name: 'Log a reference',
            sql: 'INSERT INTO file_access_log (file_id, access_type) VALUES (?, ?)',
            role: 'write',
            outcome: 'skipped',
            rows: null,
            error: 'not run: listed as working from 1.1.0 on, and the database is at 1.0.0',
          },
          { name: 'Get a file in a session', sql: 'SELECT * FROM conversation_files WHERE file_id = ?', role: 'read', outcome: 'ok', rows: 1, error: null },
        ],
      },
    }));
    renderConsole(<PlanView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Rehearse on a copy' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Rehearsal failed');
    expect(alert.textContent).toContain('1 service statement fails on the migrated copy (below).');
    const results = screen.getByRole('region', { name: 'Service statements on the rehearsed copy' });
    expect(within(results).getByText('1 service statement fails at 1.2.0')).toBeTruthy();
    const failure = within(results).getByRole('article', { name: 'Failed: Upload a file with no MIME type and no uploader' });
    expect(failure.textContent).toContain(upload);
    expect(failure.textContent).toContain('SQLite: NOT NULL constraint failed: conversation_files.mime_type');
    expect(within(results).getByText(/^Log a reference/).textContent).toContain('not run: listed as working from 1.1.0 on');
  });

  it('applies after a confirmation naming the backup it takes, then shows the outcome per step', async () => {
    const api = databaseAt100();
    renderConsole(<PlanView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Apply…' }));
    const dialog = screen.getByRole('dialog', { name: 'Migrate from 1.0.0 to 1.2.0?' });
    expect(dialog.textContent).toContain('pre-migrate backup');
    expect(dialog.textContent).toContain('/srv/chat/conversation_files.db.backups');
    expect(dialog.textContent).toContain('This plan has not been rehearsed');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Back up and migrate to 1.2.0' }));
    expect(await screen.findByText('Migrated from 1.0.0 to 1.2.0')).toBeTruthy();
    expect(screen.getByText('conversation_files-pre-migrate.sqlite')).toBeTruthy();
    expect(api.migrate).toHaveBeenCalledWith({ db: 'main', to: '1.2.0', backup: true, operationId: expect.stringMatching(/^op-/) });
    await waitFor(() => expect(screen.getByText('Nothing else is pending: the database is at the latest version.')).toBeTruthy());
    expect(screen.getByText('✓ Applied in 12 ms')).toBeTruthy();
    expect(screen.getByText('✓ Applied in 30 ms')).toBeTruthy();
  });

  it('after rehearsing and applying, offers no rehearsal again: what it rehearsed is applied and nothing is pending (issue 26)', async () => {
    const api = databaseAt100();
    renderConsole(<PlanView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Rehearse on a copy' }));
    expect(await screen.findByText('Rehearsal passed: 1.0.0 → 1.2.0 in 340 ms')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Apply…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Back up and migrate to 1.2.0' }));
    expect(await screen.findByText('Migrated from 1.0.0 to 1.2.0')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('Nothing else is pending: the database is at the latest version.')).toBeTruthy());
    expect(await screen.findByText(/was of a migration that has since been applied: nothing is pending, so there is nothing to rehearse\.$/)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/[Rr]ehearse on a copy again|Rehearse again/);
    expect(screen.queryByRole('button', { name: 'Rehearse on a copy' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Apply…' })).toBeNull();
  });

  it('names the failing step and statement when a migration fails', async () => {
    const api = databaseAt100();
    api.migrate.mockImplementation(async () => {
      throw new ApiError({
        code: 'MIGRATION_FAILED',
        message:
          'Migration 1.2.0__storage_backend_and_required_mime_type.sql failed at line 27: FOREIGN KEY constraint failed. The database was left at its previous version.',
        hint: 'Read the failing statement below, fix the database or the migration, then run it again.',
        details: { version: '1.2.0', statement: 'DROP TABLE conversation_files;' },
      });
    });
    renderConsole(<PlanView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Apply…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Back up and migrate to 1.2.0' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('failed at line 27: FOREIGN KEY constraint failed');
    expect(alert.textContent).toContain('DROP TABLE conversation_files;');
    expect(within(screen.getByRole('article', { name: 'Step 2: 1.2.0' })).getByText('✕ Failed')).toBeTruthy();
  });

  it('falls back to the pending versions when the host cannot compute plans yet', async () => {
    const api = createFakeApi({ status: () => AT_100 });
    renderConsole(<PlanView db="main" />, { api });
    expect(await screen.findByText(/The step-by-step plan is not available/)).toBeTruthy();
    expect(screen.getByText('1.1.0')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Apply…' })).toBeTruthy();
  });

  it('plans the adoption of a database the service made, then its steps, and applies both', async () => {
    const legacy = { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' };
    const api = createFakeApi({
      status: () => statusReport({ status: 'degraded', version: null, legacy, adoptable: true, pending: ['1.1.0', '1.2.0'] }),
      plan: () => ({ ...PLAN_FROM_100, from: null, adopt: legacy }),
      backups: () => [],
      migrate: () => ({
        path: '/srv/chat/conversation_files.db',
        from: null,
        to: '1.2.0',
        upToDate: false,
        adopted: legacy,
        applied: [],
        repeated: [],
        backup: null,
      }),
    });
    renderConsole(<PlanView db="main" />, { api });
    expect(await screen.findByText('First, adopt it as 1.0.0')).toBeTruthy();
    expect(screen.getByText('1.0.0 (adopted)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Apply…' }));
    const dialog = screen.getByRole('dialog', { name: 'Migrate from 1.0.0 (adopted) to 1.2.0?' });
    expect(dialog.textContent).toContain('the version its schema_migrations records (001)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Back up and migrate to 1.2.0' }));
    expect(await screen.findByText('Adopted as 1.0.0 first (schema_migrations recorded 001).')).toBeTruthy();
  });

  it('says there is nothing to migrate at the latest version', async () => {
    const api = createFakeApi({ status: () => statusReport(), plan: () => ({ ...PLAN_FROM_100, from: '1.2.0', steps: [] }) });
    renderConsole(<PlanView db="main" />, { api });
    expect(await screen.findByText('Nothing to migrate')).toBeTruthy();
  });
});
