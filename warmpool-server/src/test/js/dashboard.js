// Drives the warmpool dashboard in a real Chromium launched by puppeteer-core, one command per stdin line, one JSON
// line per answer (see DashboardTest). Every wait is bounded.
// usage: node dashboard.js <dashboardUrl> <chromiumPath>
const puppeteer = require('puppeteer-core');
const readline = require('readline');

const WAIT = { timeout: 15000 };

(async () => {
  const [url, chromium] = process.argv.slice(2);
  const browser = await puppeteer.launch({ executablePath: chromium, headless: 'shell',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], protocolTimeout: 30000 });
  const errors = [];
  const say = (o) => console.log(JSON.stringify(o));
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
    // the first poll before the key is entered is answered 401 by design; any other console error counts
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push('console: ' + m.text()); });
    page.on('requestfailed', (r) => errors.push('requestfailed: ' + r.url()));
    await page.setViewport({ width: 1280, height: 1100 });
    const commands = {
      async open() {
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction(() => !document.getElementById('login').hidden || !document.getElementById('main').hidden, WAIT);
        return { loginShown: await page.$eval('#login', (f) => !f.hidden) };
      },
      async login([key]) {
        await page.type('#key', key);
        await page.click('#login button');
        return {};
      },
      async regions([n]) {
        await page.waitForFunction((k) => document.querySelectorAll('#regions [data-region]').length >= k, WAIT, Number(n));
        return { regions: await page.$$eval('#regions [data-region]', (rs) => rs.map((r) => r.dataset.region)) };
      },
      async session([id]) {
        const t0 = Date.now();
        const h = await page.waitForSelector(`#sessions tr[data-session="${id}"]`, WAIT);
        const instance = await h.evaluate((tr) => tr.dataset.instance);
        await page.waitForSelector(`#instances-rows tr[data-id="${instance}"][data-state="claimed"]`, WAIT);
        return { instance, ms: Date.now() - t0 };
      },
      async fallback([region]) {
        await page.waitForSelector(`#events li[data-kind="fallback"][data-region="${region}"]`, WAIT);
        await page.waitForSelector(`#regions [data-region="${region}"] [data-fallback-to]`, WAIT);
        return { to: await page.$eval(`#regions [data-region="${region}"] [data-fallback-to]`, (b) => b.dataset.fallbackTo) };
      },
      async drained([region]) {
        await page.waitForSelector(`#regions [data-region="${region}"] .badge.drained`, WAIT);
        return {};
      },
      async instances([atLeast]) {
        await page.waitForFunction((k) => Number(document.getElementById('instances-count').dataset.shown || 0) >= k,
          WAIT, Number(atLeast));
        return { shown: await page.$eval('#instances-count', (e) => Number(e.dataset.shown)),
          rowsInDom: await page.$$eval('#instances-rows tr', (rs) => rs.length) };
      },
      async responsive([rounds]) {
        // scroll the instance table through its whole length while the polls keep redrawing; each round trip to
        // the page must come back promptly, or the page froze
        let worst = 0;
        for (let i = 0; i < Number(rounds); i++) {
          const t0 = Date.now();
          await page.evaluate((k) => { const b = document.getElementById('instances'); b.scrollTop = (b.scrollHeight * k) % b.scrollHeight; }, i / Number(rounds));
          await new Promise((r) => setTimeout(r, 50));
          worst = Math.max(worst, Date.now() - t0 - 50);
        }
        return { worstMs: worst, rowsInDom: await page.$$eval('#instances-rows tr', (rs) => rs.length) };
      },
      async filter([text]) {
        await page.$eval('#filter', (f) => { f.value = ''; });
        await page.type('#filter', text);
        await page.waitForFunction((t) => [...document.querySelectorAll('#instances-rows tr')].every((r) => r.textContent.includes(t))
          && document.querySelectorAll('#instances-rows tr').length > 0, WAIT, text);
        return { rows: await page.$$eval('#instances-rows tr', (rs) => rs.length) };
      },
      async unfilter() {
        await page.$eval('#filter', (f) => { f.value = ''; f.dispatchEvent(new Event('input')); });
        await page.waitForFunction(() => { const c = document.getElementById('instances-count').dataset;
          return c.shown === c.total && Number(c.total) >= 1000; }, WAIT);
        return {};
      },
      async screenshot([file]) {
        await page.screenshot({ path: file, fullPage: true });
        return { file };
      },
      async errors() {
        return { errors };
      },
    };
    say({ ready: true });
    for await (const line of readline.createInterface({ input: process.stdin })) {
      const [name, ...args] = line.trim().split(/\s+/);
      if (name === 'quit') break;
      try {
        say({ command: name, ok: true, ...(await commands[name](args)) });
      } catch (e) {
        say({ command: name, ok: false, error: String(e && e.message || e), errors });
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(0); // stdin stays open otherwise
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
