import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './routes';

describe('routes', () => {
  it('reads the database and view from the hash, defaulting to the overview', () => {
    expect(parseRoute('#/db/main/history')).toEqual({ db: 'main', view: 'history', fleet: false });
    expect(parseRoute('#/db/main')).toEqual({ db: 'main', view: 'overview', fleet: false });
    expect(parseRoute('#/db/main/nonsense')).toEqual({ db: 'main', view: 'overview', fleet: false });
    expect(parseRoute('')).toEqual({ db: null, view: 'overview', fleet: false });
    expect(parseRoute('#/fleet')).toEqual({ db: null, view: 'overview', fleet: true });
  });

  it('round-trips ids that need escaping', () => {
    expect(parseRoute(hrefFor('a b', 'plan'))).toEqual({ db: 'a b', view: 'plan', fleet: false });
  });
});
