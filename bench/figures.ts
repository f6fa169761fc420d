// What a benchmark figure is, so figures from other branches (backup, the health endpoint)
// plug into bench/run.ts as one entry each: a module exporting `figure: Figure`.

export interface BenchSize {
  /** "40 MB" */
  label: string;
  files: number;
}

/** Paths and commands every figure may use. */
export interface BenchEnv {
  repoRoot: string;
  schemaDir: string;
  /** A scratch folder, emptied at the end of the run. */
  workDir: string;
  sizes: BenchSize[];
  /** `--quick`: the 40 MB database only, fewer runs, shorter load tests. */
  quick: boolean;
  /** How many measured runs per side for a database of this size (≥ 3). */
  runsFor(size: BenchSize | null): number;
  /** `node <bundled warden CLI>`: append the command and its options. */
  wardenCli: string[];
  /** `node <bundled engine-task>`: append the task, the database and the schema folder. */
  engineTask: string[];
  /** `node <bundled Kysely migrator runner>`: append the database and the schema folder. */
  kyselyMigrator: string[];
  /** The cached generated database of this size at this version (read-only: copy before writing). */
  database(size: BenchSize, version: string): Promise<string>;
  log(message: string): void;
}

/** One side's median over the runs. */
export interface SideResult {
  label: string;
  ms: number;
  /** The fastest run: on a shared machine, the one least disturbed by other work. */
  bestMs: number;
  cpuMs: number;
  maxRssKb: number;
}

export interface Row {
  figure: string;
  /** "40 MB", "400 MB", "fresh file" */
  database: string;
  warden: SideResult;
  reference: SideResult | null;
  /** The most Schema Warden may take, as a multiple of the reference's wall time. */
  target?: number;
  /** Shown after the figure's name: what to keep in mind, or figures a ratio cannot carry (req/s, p99). */
  note?: string;
}

/** A figure whose numbers are not measured on this branch: shown as such, never as a number. */
export interface PendingRow {
  figure: string;
  pending: string;
}

/** What a figure measured: rows of the ratio table, and Markdown for what a ratio cannot carry. */
export interface FigureResult {
  rows: Row[];
  /** Printed after the ratio table, e.g. a table of requests per second and latency percentiles. */
  sections?: string[];
}

export interface Figure {
  id: string;
  title: string;
  run(env: BenchEnv): Promise<Row[] | FigureResult>;
}
