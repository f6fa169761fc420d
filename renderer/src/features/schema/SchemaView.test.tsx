// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DiagramTable, SchemaDiagram } from '../../../../shared/types/schema';
import { createFakeApi } from '../../test/fake-api';
import { FRESH_STATUS, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { SchemaView } from './SchemaView';

const column = (name: string, primaryKey = false) => ({ name, type: 'TEXT', primaryKey, notNull: primaryKey, state: 'as-expected' as const });
const TABLES: DiagramTable[] = [
  { name: 'conversation_files', state: 'as-expected', columns: [column('file_id', true), column('session_id')], foreignKeys: [], findings: [] },
  {
    name: 'file_metadata',
    state: 'missing',
    columns: [{ ...column('metadata_id', true), state: 'missing' }],
    foreignKeys: [{ from: ['file_id'], table: 'conversation_files', to: ['file_id'] }],
    findings: ['Table file_metadata is missing.'],
  },
  {
    name: 'scratch',
    state: 'extra',
    columns: [{ ...column('id', true), state: 'extra' }],
    foreignKeys: [],
    findings: ['Table scratch exists but is not part of the expected schema.'],
  },
];

function renderSchema(diagram: SchemaDiagram, status = statusReport()) {
  return renderConsole(<SchemaView db="main" />, { api: createFakeApi({ status: () => status, schemaDiagram: () => diagram }) });
}

describe('SchemaView', () => {
  it('draws each table as a link named with its state, leading to its rows or to the Integrity view', async () => {
    renderSchema({ path: '/db', comparedAt: '1.2.0', tables: TABLES });
    const missing = await screen.findByRole('link', {
      name: /^Table file_metadata: the schema expects it and the file does not have it; 1 column; refers to conversation_files\. Opens to see its differences on the Integrity view\.$/,
    });
    expect(missing.getAttribute('href')).toBe('#/db/main/integrity');
    const present = screen.getByRole('link', { name: /^Table conversation_files: as expected;/ });
    expect(decodeURIComponent(present.getAttribute('href')!)).toBe('#/db/main/data?browse={"table":"conversation_files","sort":null,"filters":[]}');
    expect(screen.getByText('missing: 1')).toBeTruthy();
    expect(screen.getByText('extra: 1')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Schema diagram: 3 tables, 1 foreign keys' })).toBeTruthy();
  });

  it('lists each table that differs in words, with the way to its differences and (where the file has it) its rows', async () => {
    renderSchema({ path: '/db', comparedAt: '1.2.0', tables: TABLES });
    const item = (await screen.findByText('file_metadata', { selector: 'strong' })).closest('li')!;
    expect(item.textContent).toContain('Table file_metadata is missing.');
    expect(within(item).queryByRole('link', { name: /^Browse the rows/ })).toBeNull();
    const extra = screen.getByText('scratch', { selector: 'strong' }).closest('li')!;
    expect(within(extra).getByRole('link', { name: 'Browse the rows of scratch' })).toBeTruthy();
  });

  it('says why there is nothing to draw: no file yet, or no version to draw against', async () => {
    const { unmount } = renderSchema({ path: '/db', comparedAt: null, tables: [] }, { ...FRESH_STATUS, exists: false });
    expect(await screen.findByText('No schema to draw yet')).toBeTruthy();
    unmount();
    renderSchema({ path: '/db', comparedAt: null, tables: [] }, FRESH_STATUS);
    expect(await screen.findByText('No version to draw against')).toBeTruthy();
    expect(screen.getByText(/^The database has no schema yet: initialize it\. The diagram shows/)).toBeTruthy();
  });
});
