import { useState } from 'react';
import { copyText } from '../lib/copy-text';

/** Copies text to the clipboard and says what happened in one line for a status region: "Copied the cell." or why it could not. */
export function useCopy(): { copied: string; copy: (text: string, what: string) => Promise<void> } {
  const [copied, setCopied] = useState('');
  const copy = async (text: string, what: string) => {
    try {
      await copyText(text);
      setCopied(`Copied ${what}.`);
    } catch (err) {
      setCopied(err instanceof Error ? err.message : String(err));
    }
  };
  return { copied, copy };
}
