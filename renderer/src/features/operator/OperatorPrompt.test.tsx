// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api';
import { hostInfo } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { OperatorPrompt } from './OperatorPrompt';

// The name the web console asks for once per session: answering it must not leave the keyboard nowhere.

beforeEach(() => sessionStorage.clear());

describe('the operator prompt', () => {
  it('answered with Enter, it goes and the focus moves to the main area it stood in, not to the page body', async () => {
    const api = createFakeApi({ hostInfo: () => hostInfo({ asksForOperator: true }) });
    renderConsole(
      <main id="main" tabIndex={-1}>
        <OperatorPrompt />
      </main>,
      { api },
    );
    const name = await screen.findByRole('textbox', { name: 'Your name' });
    name.focus();
    fireEvent.change(name, { target: { value: 'dana' } });
    fireEvent.submit(name.closest('form')!);
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Your name' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('main'));
  });
});
