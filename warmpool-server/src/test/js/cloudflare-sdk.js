// Drives warmpool with the official Cloudflare SDK, unchanged but for its base URL. Prints one JSON line.
// usage: node cloudflare-sdk.js <mode> <baseURL> <apiToken> <pageUrl>
//   actions     every action once (screenshot and pdf through .asResponse())
//   bad-request a body with both url and html: the SDK's typed 400
//   rate-limit  past the tenant's quickPerSecond: the SDK's typed 429, then its own retry honouring Retry-After
//   json        the json action (needs ai.endpoint at the gateway)
//   crawl       a crawl job from pageUrl, polled to its end, its records paged with the cursor
const Cloudflare = require('cloudflare');

const [mode, baseURL, apiToken, pageUrl] = process.argv.slice(2);
const account_id = 'any-account';

function client(opts = {}) {
  return new Cloudflare({ apiToken, baseURL, timeout: 60000, ...opts });
}

function describe(e) {
  return { name: e.constructor.name, status: e.status, badRequest: e instanceof Cloudflare.BadRequestError,
    rateLimit: e instanceof Cloudflare.RateLimitError, message: String(e.message).slice(0, 300) };
}

async function binary(promise) {
  const res = await promise.asResponse();
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), ms: res.headers.get('x-browser-ms-used'),
    magic: bytes.subarray(0, 4).toString('latin1'), bytes: bytes.length };
}

async function actions() {
  const br = client().browserRendering;
  const url = pageUrl;
  const content = await br.content.create({ account_id, url, cacheTTL: 0 });
  const markdown = await br.markdown.create({ account_id, url });
  const links = await br.links.create({ account_id, url, visibleLinksOnly: true });
  const scrape = await br.scrape.create({ account_id, url, elements: [{ selector: 'h1' }, { selector: 'a' }] });
  const snapshot = await br.snapshot.create({ account_id, url, gotoOptions: { waitUntil: 'load' } });
  const screenshot = await binary(br.screenshot.create({ account_id, url, viewport: { width: 640, height: 400 },
    screenshotOptions: { type: 'png' } }));
  const pdf = await binary(br.pdf.create({ account_id, html: '<h1>invoice</h1>', pdfOptions: { format: 'a4' } }));
  // encoding base64: create() without .asResponse() resolves to the image's base64 text
  const encoded = await br.screenshot.create({ account_id, url, viewport: { width: 320, height: 200 },
    screenshotOptions: { type: 'jpeg', quality: 50, encoding: 'base64' } });
  const decoded = Buffer.from(typeof encoded === 'string' ? encoded : '', 'base64');
  const base64 = { kind: typeof encoded, jpeg: decoded.subarray(0, 2).toString('hex'), bytes: decoded.length };
  return { content, markdown, links, scrape, snapshot: { content: snapshot.content, screenshotBytes:
    Buffer.from(snapshot.screenshot || '', 'base64').length }, screenshot, pdf, base64 };
}

async function badRequest() {
  try {
    await client({ maxRetries: 0 }).browserRendering.content.create({ account_id, url: pageUrl, html: '<p>both</p>' });
    return { thrown: false };
  } catch (e) {
    return { thrown: true, ...describe(e) };
  }
}

async function rateLimit() {
  const noRetry = client({ maxRetries: 0 }).browserRendering;
  const body = { account_id, html: '<p>limited</p>' };
  let limited = null;
  for (let i = 0; i < 5 && !limited; i++) { // the bucket holds quickPerSecond tokens: empty it
    try { await noRetry.content.create(body); } catch (e) { limited = describe(e); }
  }
  const t0 = Date.now();
  const retried = await client({ maxRetries: 3 }).browserRendering.content.create(body);
  return { limited, retriedOk: typeof retried === 'string' && retried.includes('limited'), retriedAfterMs: Date.now() - t0 };
}

async function json() {
  const br = client({ maxRetries: 0 }).browserRendering;
  return await br.json.create({ account_id, url: pageUrl, prompt: 'Get the heading',
    response_format: { type: 'json_schema', json_schema: { type: 'object', properties: { heading: { type: 'string' } },
      required: ['heading'] } } });
}

async function crawl() {
  const c = client({ maxRetries: 0 }).browserRendering.crawl;
  const id = await c.create({ account_id, url: pageUrl, limit: 10, depth: 3, formats: ['markdown', 'html'],
    options: { excludePatterns: ['**/skip*'] } });
  let job;
  const t0 = Date.now();
  do {
    await new Promise((r) => setTimeout(r, 250));
    job = await c.get(id, { account_id, limit: 2 });
  } while (job.status === 'running' && Date.now() - t0 < 120000);
  const records = [...job.records];
  let cursor = job.cursor;
  while (cursor) {
    const next = await c.get(id, { account_id, limit: 2, cursor });
    records.push(...next.records);
    cursor = next.cursor;
  }
  const cancelled = await c.delete(id, { account_id });
  return { id, status: job.status, total: job.total, finished: job.finished, records, cancelled };
}

const modes = { actions, 'bad-request': badRequest, 'rate-limit': rateLimit, json, crawl };
(async () => {
  const out = await modes[mode]();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e && e.stack || e)); console.log(JSON.stringify({ error: describe(e) })); process.exit(1); });
