import { defineConfig } from '@playwright/test';

// Browser specs run in Debian's chromium (Playwright cannot download browsers on these machines);
// the Electron spec launches Electron itself where its binary is installed.
export default defineConfig({
  testDir: 'e2e',
  // Screenshots (and traces) of failures land here; git-ignored.
  outputDir: 'e2e/screenshots',
  timeout: 60_000,
  use: {
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
});
