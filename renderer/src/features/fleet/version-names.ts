// Version names as the fleet's schemas name them — semantic versions (1.10.0 after 1.9.0), dbmate
// timestamps, golang-migrate counters, Flyway's dotted numbers — ordered part by part, each part
// a number where it is one (as long as a timestamp may be: compared as digits, not as a float).

const NUMBER = /^\d+$/;

function compareParts(p: string, q: string): number {
  if (NUMBER.test(p) && NUMBER.test(q)) {
    const [x, y] = [p.replace(/^0+(?=\d)/, ''), q.replace(/^0+(?=\d)/, '')];
    return x.length !== y.length ? Math.sign(x.length - y.length) : x < y ? -1 : x > y ? 1 : 0;
  }
  return p < q ? -1 : p > q ? 1 : 0;
}

export function compareVersionNames(a: string, b: string): number {
  const [x, y] = [a.split('.'), b.split('.')];
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const order = compareParts(x[k] ?? '0', y[k] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}
