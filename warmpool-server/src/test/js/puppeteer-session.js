// Connects to a warmpool session with puppeteer-core, opens a local page, clicks, reads text, takes a
// screenshot, and disconnects WITHOUT closing the browser (the session keeps it). Prints one JSON line.
// usage: node puppeteer-session.js <browserWSEndpoint> <pageUrl>
const puppeteer = require('puppeteer-core');

(async () => {
  const [endpoint, url] = process.argv.slice(2);
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 20000 });
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 600 });
  await page.goto(url, { waitUntil: 'load' });
  await page.click('#go');
  await page.waitForSelector('#out.done');
  const text = await page.$eval('#out', (e) => e.textContent);
  const png = await page.screenshot({ type: 'png' });
  const version = await browser.version();
  await browser.disconnect();
  console.log(JSON.stringify({ text, pngBytes: png.length, pngMagic: Buffer.from(png).subarray(1, 4).toString(), version }));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
