// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { takeSessionToken } from './session-token';

afterEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

describe('takeSessionToken', () => {
  it('keeps the token from ?token= for this tab and takes it out of the address bar', () => {
    window.history.replaceState(null, '', '/?token=s3cret&x=1#/db/main/history');
    expect(takeSessionToken()).toBe('s3cret');
    expect(window.location.search).toBe('?x=1');
    expect(window.location.hash).toBe('#/db/main/history');
    expect(sessionStorage.getItem('warden.token')).toBe('s3cret');
  });

  it('finds the kept token after a reload without it in the URL', () => {
    sessionStorage.setItem('warden.token', 'kept');
    expect(takeSessionToken()).toBe('kept');
  });

  it('answers null when there is no token anywhere', () => {
    expect(takeSessionToken()).toBeNull();
  });
});
