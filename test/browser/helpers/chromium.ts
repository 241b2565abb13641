// Chromium for the browser tests, through playwright-core (which downloads no browser): Debian's
// /usr/bin/chromium, or the one TAPEGRAD_CHROMIUM names. No browser is a failure, never a skip.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['TAPEGRAD_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests: no Chromium at ${CHROMIUM}; expected Debian's chromium (apt-get install -y chromium, as scripts/ci/chromium.sh does) or TAPEGRAD_CHROMIUM=/path/to/chrome`);
  }
  // The sandbox needs user namespaces that root (CI containers) does not get.
  const root = process.getuid?.() === 0;
  try {
    // WebGPU for examples/web's ?backend=webgpu: Chromium's own SwiftShader where there is no GPU
    const webgpu = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...webgpu, ...(root ? ['--no-sandbox'] : [])] });
  } catch (e) {
    throw new Error(`browser tests: ${CHROMIUM} did not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

/** What went wrong on a page: console errors (the page's and its workers') and uncaught errors. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker console: ${m.text()}`); }));
  return errors;
}
