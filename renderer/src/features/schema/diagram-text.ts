import type { DiagramState, DiagramTable } from '../../../../shared/types/schema';
import type { Tone } from '../../components/Notice';
import { hrefForBrowse } from '../../lib/browse-link';
import { plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';

// The words the diagram puts beside its colours, and where a table's box leads.

export const STATE_WORDS: Record<DiagramState, string> = { 'as-expected': 'as expected', missing: 'missing', extra: 'extra', changed: 'changed' };

export const STATE_TONES: Record<DiagramState, Tone> = { 'as-expected': 'ok', missing: 'bad', extra: 'neutral', changed: 'warn' };

/** What the file has of the table, in a sentence. */
export function stateSentence(table: DiagramTable): string {
  switch (table.state) {
    case 'missing':
      return 'the schema expects it and the file does not have it';
    case 'extra':
      return 'the file has it and the schema does not expect it';
    case 'changed':
      return `it differs from the expected schema (${plural(table.findings.length, 'difference')})`;
    case 'as-expected':
      return 'as expected';
  }
}

/** A table that is as expected opens its rows; one with a difference opens the Integrity view, where repair is. */
export function tableTarget(db: string, table: DiagramTable): { href: string; label: string } {
  if (table.state === 'as-expected')
    return { href: hrefForBrowse(db, { table: table.name, sort: null, filters: [] }), label: 'browse its rows in the Data view' };
  return { href: hrefFor(db, 'integrity'), label: 'see its differences on the Integrity view' };
}

/** The accessible name of a table's box: the name, how it stands, its keys, and where it leads. */
export function tableLinkName(db: string, table: DiagramTable): string {
  const parents = [...new Set(table.foreignKeys.map((fk) => fk.table))];
  const refers = parents.length ? `; refers to ${parents.join(', ')}` : '';
  return `Table ${table.name}: ${stateSentence(table)}; ${plural(table.columns.length, 'column')}${refers}. Opens to ${tableTarget(db, table).label}.`;
}
