// Reconnects to a session with puppeteer-core and prints the URLs of its open pages as one JSON line; then waits
// (connected) for the session to be released if asked, printing the close it saw.
// usage: node list-pages.js <browserWSEndpoint> [waitForClose]
const puppeteer = require('puppeteer-core');

(async () => {
  const [endpoint, wait] = process.argv.slice(2);
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 20000 });
  const urls = (await browser.pages()).map((p) => p.url());
  if (!wait) {
    await browser.disconnect();
    console.log(JSON.stringify({ urls }));
    return;
  }
  console.log(JSON.stringify({ urls, waiting: true }));
  const started = Date.now();
  browser.on('disconnected', () => {
    console.log(JSON.stringify({ disconnected: true, afterMs: Date.now() - started }));
    process.exit(0);
  });
  setTimeout(() => { console.log(JSON.stringify({ disconnected: false })); process.exit(2); }, 20000);
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
