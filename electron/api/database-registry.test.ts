import { describe, expect, it } from 'vitest';
import { DatabaseRegistry } from './database-registry';

describe('DatabaseRegistry', () => {
  it('derives ids from file names and de-duplicates them', () => {
    const registry = new DatabaseRegistry();
    expect(registry.add('/srv/a/conversation_files.db', 'conversation_files').id).toBe('conversation_files');
    expect(registry.add('/srv/b/conversation_files.db', 'conversation_files').id).toBe('conversation_files-2');
    expect(registry.add('/srv/c/conversation_files.sqlite', 'conversation_files').id).toBe('conversation_files-3');
    expect(registry.add('/srv/backups/report (copy).db', 'conversation_files').id).toBe('report-copy');
    expect(registry.add('/srv/données.db', 'conversation_files').id).toBe('donn-es');
    expect(registry.add('/srv/.hidden.db', 'conversation_files').id).toBe('hidden');
    expect(registry.add('/srv/schema_version.db', 'conversation_files').id).toBe('schema_version-2');
  });

  it('finds a path already registered instead of adding it twice', () => {
    const registry = new DatabaseRegistry();
    const first = registry.add('/srv/a/x.db', 's');
    expect(registry.add('/srv/a/../a/x.db', 's')).toEqual(first);
    expect(registry.list()).toHaveLength(1);
  });

  it('names the known ids when asked for an unknown one', () => {
    const registry = new DatabaseRegistry();
    registry.add('/srv/a.db', 's');
    expect(() => registry.get('b')).toThrow(expect.objectContaining({ code: 'UNKNOWN_DATABASE', message: 'No database has the id "b" here (known: a).' }));
  });

  it('tells listeners what was added, and null after a removal', () => {
    const registry = new DatabaseRegistry();
    const seen: (string | null)[] = [];
    registry.onChange((selected) => seen.push(selected?.id ?? null));
    registry.add('/srv/a.db', 's');
    registry.add('/srv/a.db', 's');
    registry.remove('a');
    expect(seen).toEqual(['a', null]);
  });
});
