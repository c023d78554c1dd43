/**
 * The screenshots of the docs (not a test run, not in CI): the same JupyterLab and scripted model
 * as the UI tests (playwright.config.ts), running the `*.screenshots.ts` scripts of
 * ui-tests/screenshots/, which write PNG files under docs/images/. The UI tests' config looks only
 * in ui-tests/tests/, so these never run with them.
 *
 *   scripts/screenshots            (builds and installs the extension first, as scripts/ui-tests)
 */
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: './screenshots',
  testMatch: '**/*.screenshots.ts',
  outputDir: path.join(__dirname, '..', 'test-results', 'ui-tests-screenshots')
});
