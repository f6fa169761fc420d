// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckedAgo } from './CheckedAgo';

afterEach(cleanup);

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

// The header's words agree with the Overview's "Last quick check" (issue 26): a status read that
// reused an older check of an unchanged file says when the file was checked, not only "just now".

describe('CheckedAgo', () => {
  it('a status read on an older quick check says both: read just now, the file checked minutes ago', () => {
    render(<CheckedAgo at={ago(0)} fileCheckedAt={ago(4 * 60_000)} onRefresh={() => undefined} refreshing={false} />);
    expect(screen.getByText(/read/).textContent).toBe('read just now · file unchanged since its quick check 4 minutes ago');
  });

  it('a read that checked the file itself says checked, once', () => {
    render(<CheckedAgo at={ago(0)} fileCheckedAt={ago(2_000)} onRefresh={() => undefined} refreshing={false} />);
    expect(screen.getByText(/checked/).textContent).toBe('checked just now');
  });
});
