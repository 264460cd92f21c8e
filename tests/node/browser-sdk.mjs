// Runs the unchanged Segment browser SDK (@segment/analytics-next, its published UMD bundle) in real headless Chromium,
// from a page served on its own origin (127.0.0.1:<page port>), against the host on another origin.
// Usage: node tests/node/browser-sdk.mjs <host url> <write key> <userId> <email> <page port> <mode>
//   standard  AnalyticsBrowser.load({ writeKey, cdnURL: host }): settings from the host, one request per event
//   batching  the same with the Segment.io deliveryStrategy 'batching' (size 3): one request to /v1/b
//   refused   the page's origin is not allowed: the SDK is loaded with settings from the host and, failing that,
//             with settings given inline, and the page also makes a "simple" text/plain POST (no preflight);
//             the run succeeds when nothing was accepted
// Prints one line per request to the host, as the browser sent it and as the host answered:
//   browser: POST http://127.0.0.1:7071/v1/t origin=http://127.0.0.1:5000 content-type=text/plain auth=Basic -> 200 acao=http://127.0.0.1:5000
// Chromium is Debian's package at /usr/bin/chromium (CHROMIUM_PATH overrides), driven by puppeteer-core.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const [host, writeKey, userId, email, pagePort, mode] = process.argv.slice(2);
if (!host || !writeKey || !userId || !email || !pagePort || !['standard', 'batching', 'refused'].includes(mode)) {
  console.error('usage: node browser-sdk.mjs <host url> <write key> <userId> <email> <page port> standard|batching|refused');
  process.exit(2);
}

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}. The browser tests need Debian's chromium package: ` +
    'run `apt-get update && apt-get install -y chromium` as root (.ci/run does this), or set CHROMIUM_PATH.');
  process.exit(3);
}

// Every wait below is bounded; this is the bound on the whole run.
const watchdog = setTimeout(() => {
  console.error('browser-sdk.mjs did not finish in 60 s');
  process.exit(1);
}, 60000);

// The page's own web server: the HTML page and the SDK's published UMD bundle (and its lazy chunks, should it ask).
const here = dirname(fileURLToPath(import.meta.url));
const bundleDir = join(dirname(createRequire(import.meta.url).resolve('@segment/analytics-next/package.json')), 'dist', 'umd');
const pageHtml = readFileSync(join(here, 'browser-page.html'));
const pageServer = createServer((request, response) => {
  const path = new URL(request.url, 'http://page').pathname;
  if (path === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }

  if (path === '/' || path === '/index.html') {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageHtml);
    return;
  }

  const file = join(bundleDir, basename(path));
  if (path.startsWith('/analytics-next/') && path.endsWith('.js') && existsSync(file)) {
    response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(readFileSync(file));
    return;
  }

  response.writeHead(404).end();
});
await new Promise((resolve, reject) => pageServer.once('error', reject).listen(Number(pagePort), '127.0.0.1', resolve));
const pageOrigin = `http://127.0.0.1:${pagePort}`;

// Names outside this machine resolve to nothing, so the page can reach no one but the page server and the host.
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true, // puppeteer passes --headless=new
  args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
});

const exchanges = [];
const outside = [];
const rawStatus = new Map();
let exitCode = 1;
try {
  const page = await browser.newPage();
  page.on('console', (message) => console.log(`page console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(host)) {
      exchanges.push({ request, status: undefined });
    } else if (!url.startsWith(pageOrigin) && !url.startsWith('data:')) {
      outside.push(url);
      console.log(`outside: ${request.method()} ${url}`);
    }
  });
  page.on('response', (response) => {
    const exchange = exchanges.find((e) => e.request === response.request());
    if (exchange) {
      exchange.status = response.status();
      exchange.headers = response.headers();
    }
  });
  // A response the browser then withholds from the page (CORS) fires no 'response' event; the raw status the host
  // sent still reaches the DevTools protocol, keyed by request id.
  const devtools = await page.createCDPSession();
  await devtools.send('Network.enable');
  devtools.on('Network.responseReceivedExtraInfo', (e) => rawStatus.set(e.requestId, e.statusCode));
  page.on('requestfailed', (request) => {
    const exchange = exchanges.find((e) => e.request === request);
    if (exchange) {
      exchange.failed = request.failure()?.errorText ?? 'failed';
    }
  });

  await page.goto(`${pageOrigin}/`, { waitUntil: 'load', timeout: 15000 });
  const origin = await page.evaluate(() => window.location.origin);
  console.log(`page: ${origin}/ with ${await page.evaluate(() => typeof AnalyticsNext)} AnalyticsNext from analytics-next's dist/umd/index.js`);

  const isIngest = (e) => e.request.method() === 'POST' && /\/v1\/[a-z]+$/.test(new URL(e.request.url()).pathname);
  const eventsIn = (e) => {
    try {
      return JSON.parse(e.request.postData() ?? '{}').batch?.length ?? 1;
    } catch {
      return 1;
    }
  };
  const accepted = () => exchanges.filter((e) => isIngest(e) && e.status >= 200 && e.status < 300).reduce((n, e) => n + eventsIn(e), 0);
  const waitFor = async (what, done, ms) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) {
        throw new Error(`gave up waiting for ${what} after ${ms / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const call = { writeKey, cdnURL: host, userId, email };
  if (mode === 'standard' || mode === 'batching') {
    const options = mode === 'batching'
      ? { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 3, timeout: 1000 } } } } }
      : {};
    console.log(`sdk: ${await page.evaluate((c) => window.sendThree(c), { ...call, options })}`);
    await waitFor('the host to accept 3 events', () => accepted() >= 3, 20000);
    exitCode = outside.length === 0 ? 0 : 1;
  } else {
    // 1. The snippet as a site would write it: the settings request comes from a refused origin.
    const loaded = await page.evaluate((c) => Promise.race([
      window.sendThree(c).then((r) => `loaded: ${r}`, (err) => `load failed: ${err?.message ?? err}`),
      new Promise((resolve) => setTimeout(() => resolve('load still pending after 5 s'), 5000)),
    ]), call);
    console.log(`sdk with settings from the host: ${loaded}`);

    // 2. Settings given inline, so the SDK really posts its events (with Authorization: a preflighted request).
    const apiHost = `${new URL(host).host}/v1`;
    const cdnSettings = { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } } };
    page.evaluate((c) => window.sendThree(c), { ...call, cdnURL: undefined, cdnSettings, options: {} }).catch(() => {});
    await waitFor('the SDK\'s first event to be refused', () => exchanges.some((e) => isIngest(e) && (e.failed || e.status >= 400)), 10000);

    // 3. A simple request (text/plain, write key in the body): the browser sends it without asking first.
    const body = JSON.stringify({ writeKey, userId, type: 'track', event: 'Simple Post', properties: { email } });
    console.log(`simple POST: ${await page.evaluate((u, b) => window.postSimple(u, b), `${host}/v1/t`, body)}`);
    await waitFor('the simple POST to be answered', () => exchanges.some((e) => e.request.method() === 'POST' && e.request.headers().authorization === undefined && (e.status || e.failed)), 10000);
    exitCode = accepted() === 0 && outside.length === 0 ? 0 : 1;
  }
} catch (err) {
  console.error(`browser run failed: ${err?.message ?? err}`);
} finally {
  for (const e of exchanges) {
    const headers = e.request.headers();
    const sent = ['origin', 'content-type', 'x-retry-count'].filter((h) => headers[h]).map((h) => `${h}=${headers[h]}`);
    if (headers.authorization) {
      sent.push(`auth=${headers.authorization.split(' ')[0]}`);
    }
    const answer = e.status ? `${e.status} acao=${e.headers?.['access-control-allow-origin'] ?? '-'}`
      : e.failed ? `${rawStatus.get(e.request.id) ?? 'no answer'}, withheld from the page: ${e.failed}`
        : 'no answer yet when the run ended';
    console.log(`browser: ${e.request.method()} ${e.request.url()} ${sent.join(' ')} -> ${answer}`);
    if (e.request.url().includes('/settings') && e.status === 200) {
      console.log(`settings body: ${await e.request.response()?.text().catch(() => '?')}`);
    }
  }

  await browser.close();
  pageServer.close();
  clearTimeout(watchdog);
}

console.log(exitCode === 0 ? `${mode}: done` : `${mode}: failed`);
process.exit(exitCode);
