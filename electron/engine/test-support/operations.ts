import { backup } from '../actions/backup';
import type { EngineContext } from '../context';
import { history } from '../actions/history';
import { initialize } from '../actions/initialize';
import { migrate } from '../actions/migrate';
import { status } from '../actions/status';
import { verify } from '../actions/verify';

/** The engine's actions on one database, by name: what the bad-input tables run against each file. */
export const OPERATIONS: Record<string, (ctx: EngineContext) => unknown> = {
  initialize: (ctx) => initialize(ctx),
  migrate: (ctx) => migrate(ctx),
  status: (ctx) => status(ctx),
  verify: (ctx) => verify(ctx, 'full'),
  history: (ctx) => history(ctx),
  backup: (ctx) => backup(ctx),
};
