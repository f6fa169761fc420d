// @vitest-environment jsdom
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MigrationPlan, RehearsalReport } from '../../../../shared/types/migrations';
import { createFakeApi } from '../../test/fake-api';
import { PLAN_FROM_100, REHEARSAL_OK, backupInfo, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { PlanView } from './PlanView';

// A Flyway app at its latest version whose repeatable migration (R__tagged_notes.sql) changed: the
// plan has no version to apply, only the repeatable; the console shows it, rehearses it and applies it.

const VIEW_SQL = 'DROP VIEW IF EXISTS tagged_notes;\nCREATE VIEW tagged_notes AS SELECT id, tags FROM notes WHERE tags IS NOT NULL;';
const PLAN: MigrationPlan = {
  ...PLAN_FROM_100,
  from: '3',
  to: '3',
  steps: [],
  serviceStatements: null,
  checksum: 'plan-repeatable',
  repeatables: [{ file: 'R__tagged_notes.sql', description: 'tagged notes', reason: 'changed', sql: VIEW_SQL }],
};
const REHEARSAL: RehearsalReport = {
  ...REHEARSAL_OK,
  from: '3',
  to: '3',
  reached: '3',
  planChecksum: 'plan-repeatable',
  serviceStatements: null,
  steps: [
    { version: 'R__tagged_notes.sql', repeatable: true, ok: true, durationMs: 4, rowsBefore: { notes: 2 }, rowsAfter: { notes: 2 }, foreignKeyViolations: 0 },
  ],
};

describe('PlanView with a repeatable migration', () => {
  it('lists it after the versions with why it runs and its SQL, rehearses it as a step, and says it was applied', async () => {
    const api = createFakeApi({
      status: () => statusReport({ status: 'degraded', version: '3', pending: [] }),
      plan: () => PLAN,
      backups: () => [backupInfo()],
      rehearse: () => REHEARSAL,
      migrate: () => ({
        path: PLAN.path,
        from: '3',
        to: '3',
        upToDate: false,
        adopted: null,
        applied: [],
        repeated: [{ file: 'R__tagged_notes.sql', description: 'tagged notes', executionMs: 4 }],
        backup: backupInfo({ reason: 'pre-migrate' }),
      }),
    });
    renderConsole(<PlanView db="main" />, { api });
    const list = await screen.findByRole('list', { name: 'Repeatable migrations' });
    expect(within(list).getByText('R__tagged_notes.sql')).toBeTruthy();
    expect(list.textContent).toContain('changed since it was last applied');
    expect(list.textContent).toContain('CREATE VIEW tagged_notes');
    expect(screen.queryByText('Nothing to migrate')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Rehearse on a copy' }));
    const steps = await screen.findByRole('table', { name: 'Rehearsal steps' });
    expect(within(steps).getByText('R__tagged_notes.sql (repeatable)')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Apply…' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Then 1 repeatable migration, each in its own transaction:R__tagged_notes.sql (changed)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Back up and migrate to 3' }));
    expect(await screen.findByText('Then applied 1 repeatable migration: R__tagged_notes.sql.')).toBeTruthy();
  });
});
