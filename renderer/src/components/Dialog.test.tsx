// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Button } from './Button';
import { ConfirmDialog } from './ConfirmDialog';

afterEach(cleanup);

function Opener({ onConfirm = () => undefined }: { onConfirm?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div id="root">
      <Button onClick={() => setOpen(true)}>Delete…</Button>
      {open && (
        <ConfirmDialog title="Delete it?" confirmLabel="Delete" danger onConfirm={onConfirm} onClose={() => setOpen(false)}>
          <p>It cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

describe('Dialog', () => {
  it('starts on the safe choice, keeps Tab inside and makes the page behind inert', () => {
    render(<Opener />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete it?' });
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const confirm = screen.getByRole('button', { name: 'Delete' });
    expect(document.activeElement).toBe(cancel);
    expect(document.getElementById('root')?.hasAttribute('inert')).toBe(true);
    confirm.focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
  });

  it('closes on Escape and gives focus back to what opened it', () => {
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Delete…' });
    opener.focus();
    fireEvent.click(opener);
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(document.getElementById('root')?.hasAttribute('inert')).toBe(false);
  });

  it('runs the action and closes on confirm', () => {
    let confirmed = 0;
    render(<Opener onConfirm={() => (confirmed += 1)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(confirmed).toBe(1);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
