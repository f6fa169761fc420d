// Two SQL definitions token by token, each token marked when it is not part of what both share (a
// longest common subsequence of words, compared case-insensitively). Whitespace and line breaks
// never count, so a reformatted statement marks only the words that changed.

export interface SqlSegment {
  text: string;
  differs: boolean;
}

export interface SqlDifference {
  expected: SqlSegment[];
  actual: SqlSegment[];
}

/** Beyond this many word pairs the table costs too much for what it shows: everything is marked. */
const MAX_CELLS = 4_000_000;

/** Each token (a quoted string or name, a word, a punctuation mark) with the whitespace after it, so joining them gives the text back as written. */
const wordsOf = (sql: string) => sql.trim().match(/(?:'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\w+|\S)\s*/g) ?? [];
/** A quoted name ("files", `files`, [files]) is the same name bare: SQLite writes back a renamed table's name in quotes. */
const bare = (token: string) =>
  token
    .trim()
    .replace(
      /^"((?:[^"]|"")*)"$|^`([^`]*)`$|^\[([^\]]*)\]$/,
      (_, dq: string | undefined, bq: string | undefined, sq: string | undefined) => dq?.replace(/""/g, '"') ?? bq ?? sq ?? '',
    );
const same = (a: string, b: string) => bare(a).toLowerCase() === bare(b).toLowerCase();

function push(out: SqlSegment[], text: string, differs: boolean): void {
  const last = out[out.length - 1];
  if (last && last.differs === differs) last.text += text;
  else out.push({ text, differs });
}

/**
 * Both sides as segments. Where only one side has words (an insertion), the other gets an empty
 * marked segment at that place, so each side shows where the difference is.
 */
function sides(a: string[], b: string[], pairs: [number, number][]): SqlDifference {
  const expected: SqlSegment[] = [];
  const actual: SqlSegment[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    const onlyA = a.slice(i, pi).join('');
    const onlyB = b.slice(j, pj).join('');
    if (onlyA || onlyB) {
      push(expected, onlyA, true);
      push(actual, onlyB, true);
    }
    if (pi < a.length) {
      push(expected, a[pi], false);
      push(actual, b[pj], false);
    }
    i = pi + 1;
    j = pj + 1;
  }
  return { expected, actual };
}

export function diffSql(expected: string, actual: string): SqlDifference {
  const a = wordsOf(expected);
  const b = wordsOf(actual);
  // Beyond the size limit nothing is paired: everything is marked.
  const pairs: [number, number][] = [];
  if (a.length * b.length <= MAX_CELLS) {
    // common[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        common[i][j] = same(a[i], b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (same(a[i], b[j])) pairs.push([i++, j++]);
      else if (common[i + 1][j] >= common[i][j + 1]) i++;
      else j++;
    }
  }
  return sides(a, b, pairs);
}
