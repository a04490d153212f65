import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: Chromium drives the UI served by `lookout serve` against the real stack binaries.
 * The build must exist (npm test builds first). Playwright's own browsers are not downloaded here;
 * the system Chromium is used instead.
 */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Starting and stopping three real processes (Prometheus closes its TSDB on stop) takes a while.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // About the popover's size, so screenshots show what the menubar app shows.
    viewport: { width: 400, height: 560 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
        },
      },
    },
  ],
});
