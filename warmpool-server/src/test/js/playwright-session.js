// Connects to a warmpool session with playwright-core's connectOverCDP (a ws:// or http:// endpoint), opens a
// local page in the default context, clicks, reads text, takes a screenshot, and disconnects leaving the page open.
// usage: node playwright-session.js <endpoint> <pageUrl>
const { chromium } = require('playwright-core');

(async () => {
  const [endpoint, url] = process.argv.slice(2);
  const browser = await chromium.connectOverCDP(endpoint, { timeout: 20000 });
  const context = browser.contexts()[0] || await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.click('#go');
  await page.waitForSelector('#out.done');
  const text = await page.textContent('#out');
  const png = await page.screenshot();
  // connectOverCDP's close() only disconnects from a browser it did not launch
  await browser.close();
  console.log(JSON.stringify({ text, pngBytes: png.length, pngMagic: png.subarray(1, 4).toString() }));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
