import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../../shared/types/schema';
import { CHANGED_COLUMN, MISSING_INDEX, MISSING_TABLE } from '../../test/fixtures';
import { groupProblems } from './object-groups';

describe('groupProblems', () => {
  it('groups by table: a missing table heads its group, objects of a present table sit under it', () => {
    const missingTableIndex: Problem = { ...MISSING_INDEX, name: 'idx_file_metadata_file_id', table: 'file_metadata' };
    const groups = groupProblems([MISSING_TABLE, MISSING_INDEX, CHANGED_COLUMN, missingTableIndex]);
    expect(groups.map((g) => g.label)).toEqual(['conversation_files', 'file_metadata']);
    expect(groups[0]).toMatchObject({ isTable: true, tableProblem: null, problems: [MISSING_INDEX, CHANGED_COLUMN] });
    expect(groups[1]).toMatchObject({ isTable: true, tableProblem: MISSING_TABLE, problems: [missingTableIndex] });
  });

  it('puts groups with errors before groups with only warnings', () => {
    const extraView: Problem = {
      kind: 'view',
      name: 'v_debug',
      change: 'extra',
      severity: 'warning',
      message: 'View v_debug exists but is not part of the expected schema.',
    };
    const extraColumn: Problem = {
      kind: 'column',
      name: 'note',
      table: 'aaa',
      change: 'extra',
      severity: 'warning',
      message: 'Column aaa.note exists but is not part of the expected schema.',
    };
    const groups = groupProblems([extraView, extraColumn, MISSING_INDEX]);
    expect(groups.map((g) => [g.label, g.severity])).toEqual([
      ['conversation_files', 'error'],
      ['aaa', 'warning'],
      ['Views', 'warning'],
    ]);
    expect(groups[2].isTable).toBe(false);
  });
});
