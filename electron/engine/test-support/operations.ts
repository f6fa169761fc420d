import { backup } from '../backup';
import type { EngineContext } from '../context';
import { history } from '../history';
import { initialize } from '../initialize';
import { migrate } from '../migrate';
import { status } from '../status';
import { verify } from '../verify';

/** The engine's actions on one database, by name: what the bad-input tables run against each file. */
export const OPERATIONS: Record<string, (ctx: EngineContext) => unknown> = {
  initialize: (ctx) => initialize(ctx),
  migrate: (ctx) => migrate(ctx),
  status: (ctx) => status(ctx),
  verify: (ctx) => verify(ctx, 'full'),
  history: (ctx) => history(ctx),
  backup: (ctx) => backup(ctx),
};
