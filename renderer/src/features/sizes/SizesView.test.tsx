// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SizesReport } from '../../../../shared/types/schema';
import { createFakeApi } from '../../test/fake-api';
import { statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { SizesView } from './SizesView';

const REPORT: SizesReport = {
  path: '/db',
  measured: true,
  pageSize: 4096,
  pageCount: 300,
  bytes: 300 * 4096,
  freePages: 30,
  freeBytes: 30 * 4096,
  objects: [
    { name: 'conversation_files', kind: 'table', table: 'conversation_files', bytes: 200 * 4096 },
    { name: 'idx_conversation_files_hash', kind: 'index', table: 'conversation_files', bytes: 69 * 4096 },
    { name: 'sqlite_schema', kind: 'schema', table: 'sqlite_schema', bytes: 4096 },
  ],
};

function renderSizes(report: SizesReport) {
  return renderConsole(<SizesView db="main" />, { api: createFakeApi({ status: () => statusReport(), sizes: () => report, backups: () => [] }) });
}

describe('SizesView', () => {
  it('lists every object with its exact bytes and its human size, then the free pages, and says what VACUUM gives back', async () => {
    renderSizes(REPORT);
    const table = await screen.findByRole('table', { name: /^Size per table and index/ });
    const rows = [...table.querySelectorAll('tbody tr')].map((row) => [
      row.querySelector('th')!.textContent,
      row.querySelector('data')!.getAttribute('value'),
      row.querySelector('data')!.textContent,
    ]);
    expect(rows).toEqual([
      ['conversation_filestable', String(200 * 4096), '800 KB'],
      ['idx_conversation_files_hashindex on conversation_files', String(69 * 4096), '276 KB'],
      ["sqlite_schemaSQLite's schema", '4096', '4.0 KB'],
      ['Free pageswhat VACUUM gives back', String(30 * 4096), '120 KB'],
    ]);
    expect(screen.getByText(/^30 pages of 4\.0 KB are free \(10% of the file\)/)).toBeTruthy();
    expect(await screen.findByText('No backups yet')).toBeTruthy();
  });

  it('says when dbstat could not measure the objects, and still gives the free pages', async () => {
    renderSizes({ ...REPORT, measured: false, objects: [] });
    expect(await screen.findByText('Sizes per table and index could not be measured')).toBeTruthy();
    expect(screen.getByText(/^30 pages of 4\.0 KB are free/)).toBeTruthy();
  });
});
