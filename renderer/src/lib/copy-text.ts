/**
 * Puts text on the clipboard. The Clipboard API needs a secure context (https, or the loopback
 * address `warden serve` binds by default); a console served over plain http elsewhere falls back
 * to the selection-and-copy command browsers still honour inside a user gesture.
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  const focused = document.activeElement as HTMLElement | null;
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  focused?.focus();
  if (!copied) throw new Error('The browser refused to copy: select the value in the record pane and copy it with the keyboard.');
}
