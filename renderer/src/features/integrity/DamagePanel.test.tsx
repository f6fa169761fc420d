// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DamagedPage } from '../../../../shared/types/integrity';
import type { RepairResult } from '../../../../shared/types/repair';
import type { StatusReport } from '../../../../shared/types/status';
import { createFakeApi } from '../../test/fake-api';
import { backupInfo, statusReport, verifyReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { OverviewView } from '../overview/OverviewView';
import { DataView } from '../data/DataView';
import { IntegrityView } from './IntegrityView';

// The damage map and the fix that fits (issue 21), as the console shows them.

const TABLE_PAGE: DamagedPage = {
  page: 37,
  object: 'conversation_files',
  objectType: 'table',
  table: 'conversation_files',
  pageType: 'leaf',
  foundBy: 'message',
  message: 'Tree 25 page 37: btreeInitPage() returns error code 11',
  messages: 1,
  description: 'Page 37 of table conversation_files (a leaf holding rows) is damaged: Tree 25 page 37: btreeInitPage() returns error code 11.',
};
const INDEX_PAGE: DamagedPage = {
  page: 80,
  object: 'idx_conversation_files_hash',
  objectType: 'index',
  table: 'conversation_files',
  pageType: null,
  foundBy: 'message',
  message: 'Tree 9 page 80: btreeInitPage() returns error code 11',
  messages: 1,
  description: 'Page 80 of index idx_conversation_files_hash (of table conversation_files) is damaged: Tree 9 page 80: btreeInitPage() returns error code 11.',
};

function damagedStatus(damage: DamagedPage[]): StatusReport {
  return statusReport({
    status: 'unhealthy',
    reason: `SQLite quick_check failed: ${damage[0].description}`,
    problems: damage.map((d) => ({
      kind: 'integrity',
      name: d.object ?? 'database',
      change: 'failed',
      severity: 'error',
      message: `SQLite quick_check failed: ${d.description}`,
    })),
    integrity: { level: 'quick', ok: false, messages: damage.map((d) => d.message), damage, checkedAt: '2025-03-01T10:00:00.000Z' },
  });
}

function repairResult(overrides: Partial<RepairResult>): RepairResult {
  return {
    path: '/srv/chat/conversation_files.db',
    version: '1.2.0',
    dryRun: true,
    recreated: [],
    statements: [],
    refused: [],
    orphanedRows: [],
    rowsInBackups: [],
    backup: null,
    ...overrides,
  };
}

describe('a damaged file in the console', () => {
  it("without a backup: the Overview's first step is Preserve a copy, which copies the file and says where", async () => {
    const preserveCopy = vi.fn(() =>
      backupInfo({
        name: 'conversation_files-x-preserved-damaged.sqlite',
        reason: 'preserved-damaged',
        damaged: true,
        verified: null,
        companions: [{ suffix: '-wal', sha256: 'b'.repeat(64), bytes: 10 }],
      }),
    );
    renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => damagedStatus([TABLE_PAGE]), backups: () => [], preserveCopy }) });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByRole('heading', { name: /Preserve a copy/ })).toBeTruthy();
    expect(within(step).queryByText('Restore a backup')).toBeNull();
    expect(within(step).getAllByText(/Page 37 of table conversation_files/).length).toBeGreaterThan(0);
    fireEvent.click(within(step).getByRole('button', { name: 'Preserve a copy' }));
    expect(await within(step).findByText('A copy of the file as it is was preserved')).toBeTruthy();
    expect(within(step).getByText(/with its -wal/)).toBeTruthy();
    expect(preserveCopy).toHaveBeenCalledWith({ db: 'main' });
  });

  it('a copy already preserved and still no verified backup: the next step is Salvage', async () => {
    renderConsole(<OverviewView db="main" />, {
      api: createFakeApi({
        status: () => damagedStatus([TABLE_PAGE]),
        backups: () => [backupInfo({ name: 'kept.sqlite', reason: 'preserved-damaged', damaged: true, verified: null })],
      }),
    });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByText('Salvage what can be read')).toBeTruthy();
    expect(within(step).getByText(/kept\.sqlite/)).toBeTruthy();
  });

  it('only an index damaged: the next step is Rebuild the damaged indexes', async () => {
    renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => damagedStatus([INDEX_PAGE]), backups: () => [] }) });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByRole('heading', { name: /Rebuild the damaged indexes/ })).toBeTruthy();
    expect(within(step).getByText(/Only indexes are damaged \(idx_conversation_files_hash\)/)).toBeTruthy();
  });

  it("Integrity: the damage map names page and table with SQLite's words; table damage offers the newest verified backup with what it loses", async () => {
    const full = verifyReport({ status: 'unhealthy', integrity: { level: 'full', ok: false, messages: [TABLE_PAGE.message], damage: [TABLE_PAGE] } });
    const plan = repairResult({
      damage: [TABLE_PAGE],
      tableDamage: {
        tables: ['conversation_files'],
        backup: { name: 'b1.sqlite', createdAt: '2025-03-01T10:00:00.000Z', version: '1.2.0' },
        counts: [
          { table: 'conversation_files', live: null, inBackup: 1000, damaged: true },
          { table: 'file_metadata', live: 1100, inBackup: 1000, damaged: false },
        ],
      },
    });
    const restore = vi.fn(() => {
      throw new Error('not in this test');
    });
    renderConsole(<IntegrityView db="main" />, {
      api: createFakeApi({ status: () => damagedStatus([TABLE_PAGE]), verify: () => full, repair: () => plan, restore }),
    });
    const map = await screen.findByRole('table', { name: 'Damaged pages' });
    expect(within(map).getByText('37')).toBeTruthy();
    expect(within(map).getByText('table conversation_files')).toBeTruthy();
    expect(within(map).getByText(TABLE_PAGE.message)).toBeTruthy();
    const counts = await screen.findByRole('table', { name: 'Rows per table, live and in the backup' });
    expect(within(counts).getByText('cannot be read')).toBeTruthy();
    expect(within(counts).getByText('100')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Restore b1.sqlite…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('What will be lost')).toBeTruthy();
    expect(within(dialog).getByText('file_metadata: 100 rows')).toBeTruthy();
    expect(within(dialog).getByText(/conversation_files: unknown/)).toBeTruthy();
    expect(restore).not.toHaveBeenCalled();
  });

  it('Integrity: index-only damage is rebuilt after a confirmation that names the copy and the statements', async () => {
    const done = repairResult({
      dryRun: false,
      damage: [INDEX_PAGE],
      rebuiltIndexes: ['idx_conversation_files_hash'],
      statements: ['REINDEX "idx_conversation_files_hash"'],
      integrityAfter: { level: 'full', ok: true, messages: [] },
      preservedCopy: backupInfo({ name: 'pre.sqlite', reason: 'preserved-damaged', damaged: true, verified: null }),
    });
    const repair = vi.fn(() => done);
    renderConsole(<IntegrityView db="main" />, {
      api: createFakeApi({
        status: () => damagedStatus([INDEX_PAGE]),
        verify: () => verifyReport({ status: 'unhealthy', integrity: { level: 'quick', ok: false, messages: [INDEX_PAGE.message], damage: [INDEX_PAGE] } }),
        repair,
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Rebuild 1 index…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Statements the rebuild runs').textContent).toBe('REINDEX "idx_conversation_files_hash";');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy the file, then rebuild' }));
    expect(await screen.findByText('Rebuilt 1 index: integrity_check passes')).toBeTruthy();
    expect(screen.getByText('pre.sqlite')).toBeTruthy();
    await waitFor(() => expect(repair).toHaveBeenCalledWith(expect.objectContaining({ db: 'main', backup: true })));
  });

  it('Data: a damaged and a missing table are listed as such, the others browsable', async () => {
    const tables = {
      path: '/srv/chat/conversation_files.db',
      measured: true,
      bytes: 8192,
      tables: [
        {
          name: 'conversation_files',
          kind: 'table' as const,
          rows: null,
          bytes: 4096,
          indexes: [],
          columns: ['file_id'],
          unreadable: { reason: 'damaged' as const, page: 37, message: TABLE_PAGE.description },
        },
        { name: 'file_metadata', kind: 'table' as const, rows: 12, bytes: 4096, indexes: [], columns: ['file_id'] },
        {
          name: 'session_file_associations',
          kind: 'table' as const,
          rows: null,
          bytes: null,
          indexes: [],
          columns: [],
          unreadable: { reason: 'missing' as const, page: null, message: 'The schema expects table session_file_associations, and the file does not have it.' },
        },
      ],
    };
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => tables }) });
    const list = await screen.findByRole('table', { name: 'Tables and views' });
    expect(within(list).getByText('damaged: page 37 unreadable')).toBeTruthy();
    expect(within(list).getByText('missing')).toBeTruthy();
    expect(within(list).getByText('12')).toBeTruthy();
    expect(within(list).getByRole('button', { name: 'file_metadata' })).toBeTruthy();
    expect(within(list).queryByRole('button', { name: 'session_file_associations' })).toBeNull();
    expect(screen.getByText('2 tables and views cannot be read; every other table can')).toBeTruthy();
  });
});
