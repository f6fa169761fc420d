// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VIEWS } from '../lib/routes';
import { ViewTabs } from './ViewTabs';

// The views are one Tab stop (roving focus): Tab passes them in one press, the arrow keys move inside.

describe('the view tabs', () => {
  it('are one Tab stop, the current view, and the arrow keys, Home and End move between them', () => {
    render(<ViewTabs db="orders" current="plan" />);
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(VIEWS.length);
    expect(links.filter((l) => l.tabIndex === 0).map((l) => l.textContent)).toEqual(['Migration plan']);
    const plan = screen.getByRole('link', { name: 'Migration plan' });
    plan.focus();
    fireEvent.keyDown(plan, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Backups' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(document.activeElement).toBe(links[0]);
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' }); // stays at the first
    expect(document.activeElement).toBe(links[0]);
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(links.at(-1));
  });
});
