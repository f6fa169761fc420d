import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../schema/schema-folder';
import { SERVICE_STATEMENTS_FILE } from './service-statements';
import { shippedSchema } from '../../test-support/fixtures';
import { schemaVariant } from '../../test-support/schema-variants';

/** Loads a copy of the shipped schema folder whose service-statements.json holds `text`. */
function loadWithList(text: string) {
  const dir = schemaVariant({}).dir;
  writeFileSync(join(dir, SERVICE_STATEMENTS_FILE), text);
  return () => loadSchema(dir);
}

const upload = { name: 'Upload', sql: 'INSERT INTO conversation_files (file_id, mime_type) VALUES (?, ?)', params: ['f', null] };

describe('service-statements.json', () => {
  it('the shipped list loads: setup first, then each statement as a write or a read, with its since', () => {
    const list = shippedSchema().serviceStatements!;
    expect(list.file).toBe('service-statements.json');
    expect(list.statements.slice(0, 4).map((s) => s.role)).toEqual(['setup', 'setup', 'setup', 'setup']);
    expect(list.statements.find((s) => s.name === 'Count the sessions that have files')).toMatchObject({ role: 'read', params: [], since: null });
    expect(list.statements.find((s) => s.name.startsWith('Log a reference'))).toMatchObject({ role: 'write', since: '1.1.0' });
    expect(list.statements.find((s) => s.name.startsWith('Upload a file with no MIME type'))!.params.slice(-2)).toEqual([null, null]);
  });

  it.each([
    ['not JSON', '{ "statements": [', /service-statements\.json is not JSON/],
    ['no statements', '{ "setup": [] }', /service-statements\.json field "statements": /],
    ['params not an array', JSON.stringify({ statements: [{ ...upload, params: 'f' }] }), /service-statements\.json field "statements\.0\.params": /],
    ['a misspelled field', JSON.stringify({ statements: [{ ...upload, snice: '1.1.0' }] }), /service-statements\.json field "statements\.0": .*snice/],
    ['since in setup', JSON.stringify({ setup: [{ ...upload, since: '1.1.0' }], statements: [upload] }), /service-statements\.json field "setup\.0": .*since/],
    [
      'fewer values than placeholders',
      JSON.stringify({ statements: [{ ...upload, params: ['f'] }] }),
      /field "statements\.0\.params": "Upload" has 2 \? placeholder\(s\) but 1 sample value\(s\)/,
    ],
    [
      'since past the latest version',
      JSON.stringify({ statements: [{ ...upload, since: '1.5.0' }] }),
      /field "statements\.0\.since": "1\.5\.0" is not a version up to this schema's latest, 1\.2\.0/,
    ],
    [
      'since not a version',
      JSON.stringify({ statements: [{ ...upload, since: 'v1.1' }] }),
      /field "statements\.0\.since": "v1\.1" is not a version up to this schema's latest, 1\.2\.0/,
    ],
  ])('a list with %s is refused as SCHEMA_INVALID, naming the file and the field', (_, text, message) => {
    const load = loadWithList(text);
    expect(load).toThrow(expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringMatching(message), hint: expect.any(String) }));
    expect(load).toThrow(/^The schema folder .* is not valid: service-statements\.json /);
  });
});
