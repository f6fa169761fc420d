import type { CallEnvelope } from '../../shared/transport';

// Which window a call came from decides who answers it: the main window is answered by this app's
// host, a deployment window by its deployment (DesktopFleet), and any other window by nobody. A
// window the fleet no longer tracks (a deployment window that was closed, say) never gets the
// main window's rights: fleet-wide migrate, every kept token.

type Answer = Promise<CallEnvelope<unknown>>;

export interface WindowCallRoutes {
  /** The main window's webContents id. */
  mainWindowId: number;
  /** Answers a call of the main window (the desktop host's handler table). */
  main(method: string, input: unknown): Answer;
  /** Answers a call of a deployment window the fleet knows, or null when it knows no such window. */
  deployment(windowId: number, method: string, input: unknown): Answer | null;
}

/** The answer to a call from a window that is neither the main window nor a deployment's the fleet knows. */
export function unknownWindow(method: string): CallEnvelope<unknown> {
  return {
    ok: false,
    error: {
      code: 'UNAUTHORIZED',
      message: `${method} was refused: it came from a window this app does not know (a deployment window that was closed, say).`,
      consoleHint: 'Close this window and open the deployment again from the Fleet page of the main window.',
    },
  };
}

/** The call function IPC hands each message to, with the sending window's webContents id. */
export function routeWindowCalls(routes: WindowCallRoutes): (method: string, input: unknown, windowId: number) => Answer {
  return (method, input, windowId) => {
    if (windowId === routes.mainWindowId) return routes.main(method, input);
    return routes.deployment(windowId, method, input) ?? Promise.resolve(unknownWindow(method));
  };
}
