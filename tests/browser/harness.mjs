// Shared set-up of the browser tests: the static server, Debian's Chromium through
// playwright-core, a fake webcam video, and a record of every request the page makes.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixture = join(root, 'tests/fixtures/chelsea.png');
/** A person on a plain background, the fake webcam's picture (tests/fixtures/README.md). */
export const personFixture = join(root, 'tests/fixtures/person.png');
/** The native CLI, as `cargo build --release` leaves it. */
export const ufdnBin = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release/ufdn');
/** Scratch folder, served at /test-files/ (the fixture is copied there). */
export const tmp = join(root, 'target/browser-tests');
mkdirSync(tmp, { recursive: true });
copyFileSync(fixture, join(tmp, 'chelsea.png'));

const BASE_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-default-apps',
  // gc() and exact heap sizes for memory measurements (the soak test): uncollected garbage
  // is not counted, and performance.memory is otherwise coarse and cached.
  '--js-flags=--expose-gc', '--enable-precise-memory-info'];

/** Serves the page on a free port (cross-origin isolated unless `isolated: false`); returns {server, origin}. */
export async function serve({ isolated = true } = {}) {
  const server = await startServer(0, [['/test-files/', tmp]], { isolated });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** A .y4m video of the person photo, every frame alike, for Chromium's fake camera. */
export function fakeCameraVideo() {
  const out = join(tmp, 'person.y4m');
  if (!existsSync(out)) {
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-loop', '1', '-i', personFixture, '-t', '3', '-r', '10',
      '-vf', 'scale=320:240', '-pix_fmt', 'yuv420p', out]);
  }
  return out;
}

/** Launches headless Chromium; `webgpu: false` leaves WebGPU off (no adapter). */
export async function launch({ webgpu = true, camera = false } = {}) {
  const args = [...BASE_FLAGS];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  if (camera) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${fakeCameraVideo()}`);
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args });
}

/** Opens the page (with URL query `query`) and records every request URL it makes. */
export async function openPage(browser, origin, query = '') {
  const page = await browser.newPage();
  const requests = [];
  const consoleErrors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${origin}/${query}`);
  return { page, requests, consoleErrors };
}

/** Waits until the page's translator is ready (or failed). */
export async function waitReady(page, timeout = 120_000) {
  await page.waitForFunction(() => window.ufdn?.ready || window.ufdn?.errors.length > 0, null, { timeout });
  return page.evaluate(() => ({ ...window.ufdn }));
}

/** Asserts helper: every URL is on `origin` (or a local blob/data URL). */
export function foreignRequests(requests, origin) {
  return requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
}
