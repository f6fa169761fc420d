import type { Command } from 'commander';
import type { QueryResult, RowFilter, RowSort } from '../../../shared/types/data';
import { DEFAULT_PAGE_ROWS, DEFAULT_QUERY_LIMIT, DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_ROWS_TIMEOUT_MS, log, verbs } from '../../engine';
import { MAX_QUERY_BLOB_BYTES, MAX_QUERY_ROWS, MAX_QUERY_TIMEOUT_MS } from '../../../shared/contract';
import { queryCsv } from '../../../shared/query-csv';
import { renderQuery, renderRows, renderTables } from '../render-data';

import { countUpTo, EXIT, run, secondsUpTo, sortOption, whereOption, wholeNumber, withCommonOptions, type CommonOptions } from '../command-runner';

// `warden` commands for data, read-only: tables, one query, a page of rows.

export function addDataCommands(program: Command): void {
  withCommonOptions(program.command('tables').description('every table and view: rows, size on disk (dbstat), indexes')).action((o: CommonOptions) =>
    run(o, async (ctx) => {
      const report = await verbs.tables.run(ctx, {});
      return { document: report, render: renderTables, exitCode: EXIT.ok };
    }),
  );

  withCommonOptions(program.command('query').description('run one read-only SQL query (refused if it could write), with a row and a time limit'))
    .requiredOption('--sql <text>', 'the query: SELECT, WITH … SELECT, VALUES, EXPLAIN or a reading PRAGMA')
    .option('--limit <rows>', 'rows to return at most (up to 100,000)', countUpTo(MAX_QUERY_ROWS), DEFAULT_QUERY_LIMIT)
    .option('--timeout <seconds>', 'stop the query after this long (0.1 to 600)', secondsUpTo(MAX_QUERY_TIMEOUT_MS / 1000), DEFAULT_QUERY_TIMEOUT_MS / 1000)
    .option(
      '--csv',
      "print the rows as CSV (RFC 4180; NULL as an empty field; a text cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it; exact bytes into a file or pipe)",
    )
    .action((o: CommonOptions & { sql: string; limit: number; timeout: number; csv?: boolean }) =>
      run(o, async (ctx) => {
        // A CSV holds each value whole: a BLOB's every byte, not the first 16 a table on screen shows.
        const result = await verbs.query.run(ctx, {
          sql: o.sql,
          limit: o.limit,
          timeoutMs: o.timeout * 1000,
          ...(o.csv ? { blobBytes: MAX_QUERY_BLOB_BYTES } : {}),
        });
        // CSV has no line to say it was cut short: stderr says so, and the exit code (1) tells a script the file is partial.
        const cut = Boolean(o.csv && !o.json && result.more);
        if (cut)
          log(
            ctx,
            'warn',
            `warning: the CSV stops at the row limit, ${result.limit.toLocaleString('en-US')} rows: the query has more. Raise --limit (up to ${MAX_QUERY_ROWS.toLocaleString('en-US')}), or narrow the query (WHERE, LIMIT); exit code 1.`,
          );
        // CSV on a terminal is escaped like any text output; into a file or a pipe it is the data, exactly.
        return {
          document: result,
          render: (shown: QueryResult) => (o.csv ? queryCsv(shown).replace(/\n$/, '') : renderQuery(shown)),
          exitCode: cut ? EXIT.degraded : EXIT.ok,
          exact: o.csv && !process.stdout.isTTY,
        };
      }),
    );

  withCommonOptions(program.command('rows').description("one page of a table's or view's rows, sorted and filtered; reads only"))
    .requiredOption('--table <name>', 'the table or view')
    .option('--sort <column[:desc]>', 'sort by a column (ascending, or :desc)', sortOption)
    .option('--where <filter>', 'COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT (contains), COLUMN:null or COLUMN:notnull; repeat to narrow further', whereOption)
    .option('--offset <n>', 'rows to skip', wholeNumber, 0)
    .option('--limit <n>', 'rows to show (at most 1000)', countUpTo(1000), DEFAULT_PAGE_ROWS)
    .option(
      '--timeout <seconds>',
      'stop reading after this long (0.1 to 600): a view can cost what its query does',
      secondsUpTo(MAX_QUERY_TIMEOUT_MS / 1000),
      DEFAULT_ROWS_TIMEOUT_MS / 1000,
    )
    .action((o: CommonOptions & { table: string; sort?: RowSort; where?: RowFilter[]; offset: number; limit: number; timeout: number }) =>
      run(o, async (ctx) => {
        const page = await verbs.rows.run(ctx, {
          table: o.table,
          sort: o.sort ?? null,
          filters: o.where ?? [],
          offset: o.offset,
          limit: o.limit,
          withTotal: true,
          timeoutMs: o.timeout * 1000,
        });
        return { document: page, render: renderRows, exitCode: EXIT.ok };
      }),
    );
}
