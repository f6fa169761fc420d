// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { ErrorNotice } from './ErrorNotice';

afterEach(cleanup);

describe('ErrorNotice', () => {
  it('shows an engine error as a sentence with what to do in the console and its code', () => {
    const error = new ApiError(
      { code: 'BACKUP_INVALID', message: 'The backup x.sqlite is corrupt.', hint: 'Pick another backup (warden backups lists them).' },
      'restore',
    );
    render(<ErrorNotice context="Nothing was restored" error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(
      '✕Nothing was restored: The backup x.sqlite is corrupt.What to do: Pick another backup in the Backups view, and press Verify on it first: only a backup that passes is safe to use.Error code BACKUP_INVALID',
    );
    expect(alert.textContent).not.toContain('warden');
  });

  it("words the engine's next actions as the console's buttons, never as the command line", () => {
    const error = new ApiError(
      {
        code: 'MIGRATION_FAILED',
        message: 'Migration 1.2.0__tags.sql failed at line 3.',
        hint: 'To return to where it was before this migrate (version 1.1.0), restore the backup taken first, /srv/x.db.backups/x-pre-migrate.sqlite.',
        next: [{ action: 'restore', backup: '/srv/x.db.backups/x-pre-migrate.sqlite' }],
      },
      'migrate',
    );
    render(<ErrorNotice error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('To go back, press Restore… on x-pre-migrate.sqlite in the Backups view.');
    expect(alert.textContent).not.toMatch(/warden |--/);
  });

  it('never shows a stack trace, even for an unexpected error', () => {
    const error = new TypeError('Cannot read properties of undefined');
    render(<ErrorNotice error={error} />);
    const text = screen.getByRole('alert').textContent ?? '';
    expect(text).toContain('The console hit an unexpected problem: Cannot read properties of undefined.');
    expect(text).toContain('INTERNAL');
    const firstFrame = (error.stack ?? '').split('\n')[1].trim();
    expect(firstFrame).toMatch(/^at /);
    expect(text).not.toContain(firstFrame);
  });

  it('treats a cancelled operation as information, not as an alarm', () => {
    render(<ErrorNotice error={new ApiError({ code: 'CANCELLED', message: 'Backup was cancelled; nothing was changed.' })} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Backup was cancelled; nothing was changed.')).toBeTruthy();
  });
});
