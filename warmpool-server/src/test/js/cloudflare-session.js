// Opens a browser session through Cloudflare's devtools paths with the official SDK, connects Puppeteer to it,
// reads the session back, checks the limits view, and closes it. Prints one JSON line.
// usage: node cloudflare-session.js <baseURL> <apiToken> <pageUrl>
const Cloudflare = require('cloudflare');
const puppeteer = require('puppeteer-core');

const [baseURL, apiToken, pageUrl] = process.argv.slice(2);
const account_id = 'any-account';

(async () => {
  const cf = new Cloudflare({ apiToken, baseURL, maxRetries: 0 });
  const devtools = cf.browserRendering.devtools;
  const opened = await devtools.browser.create({ account_id, keep_alive: 60000 });
  const version = await devtools.browser.version(opened.sessionId, { account_id });
  const browser = await puppeteer.connect({ browserWSEndpoint: opened.webSocketDebuggerUrl, protocolTimeout: 20000 });
  const page = await browser.newPage();
  await page.goto(pageUrl, { waitUntil: 'load' });
  const heading = await page.$eval('h1', (e) => e.textContent);
  await browser.disconnect();
  const targets = await devtools.browser.targets.list(opened.sessionId, { account_id });
  // the json/* paths through the SDK: new, list/{id}, activate, protocol, close
  const session_id = opened.sessionId;
  const created = await devtools.browser.targets.create(session_id, { account_id, url: 'about:blank' });
  const target = await devtools.browser.targets.get(created.id, { account_id, session_id });
  const activated = await devtools.browser.targets.activate(created.id, { account_id, session_id });
  const protocol = await devtools.browser.protocol(session_id, { account_id });
  const closedTarget = await devtools.browser.targets.close(created.id, { account_id, session_id });
  // Chromium answers "Target is closing" and closes it just after: the list may show it a moment longer (5 s at most)
  let afterTargetClose = await devtools.browser.targets.list(session_id, { account_id });
  for (let i = 0; i < 50 && afterTargetClose.some((t) => t.id === created.id); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    afterTargetClose = await devtools.browser.targets.list(session_id, { account_id });
  }
  const jsonPaths = { createdId: created.id, createdWs: created.webSocketDebuggerUrl, targetId: target && target.id,
    activated, protocolDomains: ((protocol && protocol.domains) || []).length, closedTarget,
    stillListed: afterTargetClose.some((t) => t.id === created.id) };
  const listed = await devtools.session.list({ account_id });
  const one = await devtools.session.get(opened.sessionId, { account_id });
  const limits = await cf.get(`/accounts/${account_id}/browser-rendering/limits`);
  const closed = await devtools.browser.delete(opened.sessionId, { account_id });
  let afterClose = null;
  try { await devtools.session.get(opened.sessionId, { account_id }); } catch (e) { afterClose = e.status; }
  // one step: acquire and connect with the API key on the upgrade; the session ends with the socket
  const ws = baseURL.replace(/^http/, 'ws') + `/accounts/${account_id}/browser-rendering/devtools/browser?keep_alive=30000`;
  const direct = await puppeteer.connect({ browserWSEndpoint: ws, headers: { Authorization: `Bearer ${apiToken}` },
    protocolTimeout: 20000 });
  const directVersion = await direct.version();
  await direct.disconnect();
  console.log(JSON.stringify({ sessionId: opened.sessionId, ws: opened.webSocketDebuggerUrl, browser: version.Browser,
    heading, targetUrls: targets.map((t) => t.url), listed: listed.map((s) => s.sessionId), one: one && one.sessionId,
    limits, closed, afterClose, directVersion, jsonPaths }));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
