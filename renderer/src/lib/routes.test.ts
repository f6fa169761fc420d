import { describe, expect, it } from 'vitest';
import { browseTargetOf, hrefForBrowse } from './browse-link';
import { hrefFor, parseRoute } from './routes';

describe('routes', () => {
  it('reads the database and view from the hash, defaulting to the overview', () => {
    expect(parseRoute('#/db/main/history')).toEqual({ db: 'main', view: 'history', fleet: false });
    expect(parseRoute('#/db/main')).toEqual({ db: 'main', view: 'overview', fleet: false });
    expect(parseRoute('#/db/main/nonsense')).toEqual({ db: 'main', view: 'overview', fleet: false });
    expect(parseRoute('')).toEqual({ db: null, view: 'overview', fleet: false });
    expect(parseRoute('#/fleet')).toEqual({ db: null, view: 'overview', fleet: true });
  });

  it('keeps what follows a ? for the view, and round-trips a browse link', () => {
    const target = {
      table: 'conversation_files',
      sort: { column: 'file_size', direction: 'desc' as const },
      filters: [
        { column: 'mime_type', op: 'isNull' as const },
        { column: 'note', op: 'eq' as const, value: 'a&b=c?#/' },
      ],
    };
    const href = hrefForBrowse('main', target);
    expect(parseRoute(href)).toEqual({ db: 'main', view: 'data', fleet: false });
    expect(browseTargetOf(href)).toEqual(target);
    expect(browseTargetOf('#/db/main/data')).toBeNull();
    expect(browseTargetOf('#/db/main/data?browse=%7Bnot-json')).toBeNull();
  });

  it('round-trips ids that need escaping', () => {
    expect(parseRoute(hrefFor('a b', 'plan'))).toEqual({ db: 'a b', view: 'plan', fleet: false });
  });
});
