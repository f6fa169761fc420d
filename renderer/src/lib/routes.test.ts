import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './routes';

describe('routes', () => {
  it('reads the database and view from the hash, defaulting to the overview', () => {
    expect(parseRoute('#/db/main/history')).toEqual({ db: 'main', view: 'history' });
    expect(parseRoute('#/db/main')).toEqual({ db: 'main', view: 'overview' });
    expect(parseRoute('#/db/main/nonsense')).toEqual({ db: 'main', view: 'overview' });
    expect(parseRoute('')).toEqual({ db: null, view: 'overview' });
  });

  it('round-trips ids that need escaping', () => {
    expect(parseRoute(hrefFor('a b', 'plan'))).toEqual({ db: 'a b', view: 'plan' });
  });
});
