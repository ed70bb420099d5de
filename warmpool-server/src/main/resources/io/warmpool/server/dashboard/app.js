// The warmpool dashboard: polls the gateway (/v1/ops/dashboard every second, /v1/ops/instances every two) and
// draws regions, charts, sessions, events and a virtualised instance table. No framework, no build step.
'use strict';
(() => {
  const KEY = 'warmpool.key';
  const ROW_H = 24;
  const MAX_EVENTS = 200;
  const $ = (id) => document.getElementById(id);
  const state = { after: 0, instances: [], total: 0, filter: '', running: false };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)));
    return e;
  }

  async function api(path) {
    const headers = {};
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = 'Bearer ' + key;
    const r = await fetch(path, { headers, cache: 'no-store' });
    if (r.status === 401) throw Object.assign(new Error('unauthorized'), { unauthorized: true });
    const body = await r.json();
    if (!r.ok) throw new Error(body.errors && body.errors[0] ? body.errors[0].message : 'HTTP ' + r.status);
    return body.result;
  }

  // ---- regions -------------------------------------------------------------------------------------------
  const BAR_STATES = ['warm', 'claimed', 'starting', 'stopping', 'lost'];
  const COLORS = { warm: '#3fb950', claimed: '#58a6ff', starting: '#d29922', stopping: '#a371f7', lost: '#f85149' };

  function fallingBackTo(region, recent) {
    if (region.stale || region.drained) return region.backups[0] || null;
    const seen = recent.filter((e) => e.kind === 'fallback' && e.region === region.region);
    return seen.length ? seen[seen.length - 1].message.split('-> ')[1].split(' ')[0] : null;
  }

  function renderRegions(d) {
    const nowMs = Date.parse(d.now);
    const recent = recentEvents.filter((e) => nowMs - Date.parse(e.at) < 60000);
    const cards = d.regions.map((r) => {
      const to = fallingBackTo(r, recent);
      const badges = [el('span', { class: 'badge ' + (r.stale ? 'stale' : 'ok') }, r.stale ? 'stale' : 'fresh')];
      if (r.drained) badges.push(el('span', { class: 'badge drained' }, 'drained'));
      if (to) badges.push(el('span', { class: 'badge fallback', 'data-fallback-to': to }, 'falling back → ' + to));
      const fb = Object.entries(r.fallbacks || {}).map(([k, v]) => k + ' ' + v).join(', ');
      const pools = d.pools.filter((p) => p.region === r.region).map((p) => {
        const total = BAR_STATES.reduce((s, k) => s + p[k], 0) || 1;
        const rate = p.warmHitRateLastHour === null || p.warmHitRateLastHour === undefined
          ? '–' : (100 * p.warmHitRateLastHour).toFixed(1) + '%';
        return el('div', { class: 'pool', 'data-pool': p.pool },
          el('div', {}, el('strong', {}, p.pool), ' target ', p.target, ' · max ', p.maxSize, ' · warm hits (1 h) ', rate,
            p.drained ? ' · drained' : '', p.waiting ? ' · waiting ' + p.waiting : ''),
          el('div', { class: 'bar' }, ...BAR_STATES.filter((k) => p[k] > 0).map((k) =>
            el('span', { style: `width:${100 * p[k] / total}%;background:${COLORS[k]}`, title: k + ' ' + p[k] }))),
          el('div', { class: 'counts' }, ...BAR_STATES.map((k) =>
            el('span', { class: 's-' + k, 'data-count': k }, k + ' ' + p[k]))),
          p.state === 'failing' ? el('div', { class: 's-lost', 'data-failing': p.pool },
            'failing: ' + p.startFailures + ' starts failed · next start ' + (p.nextStartAt || 'now') + ' · '
              + p.lastStartError) : '');
      });
      return el('div', { class: 'region', 'data-region': r.region },
        el('h3', {}, r.region, ...badges),
        el('div', { class: 'meta' }, 'heartbeat lag ' + r.heartbeatLagMs + ' ms · backups ' + (r.backups.join(' → ') || 'none')
          + (fb ? ' · fallbacks ' + fb : '') + (r.drainedAgents.length ? ' · agents drained: ' + r.drainedAgents.join(', ') : '')),
        ...pools);
    });
    $('regions').replaceChildren(...cards);
  }

  // ---- charts --------------------------------------------------------------------------------------------
  function axes(ctx, w, h, labels) {
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#2a3542'; ctx.fillStyle = '#8a98a8'; ctx.font = '10px system-ui'; ctx.lineWidth = 1;
    for (const [y, text] of labels) {
      ctx.beginPath(); ctx.moveTo(34, y); ctx.lineTo(w, y); ctx.stroke(); ctx.fillText(text, 2, y + 3);
    }
  }

  function drawHitRate(steps) {
    const c = $('hit-chart'); const ctx = c.getContext('2d'); const w = c.width; const h = c.height; const top = 8; const bottom = h - 14;
    const y = (v) => bottom - v * (bottom - top);
    axes(ctx, w, h, [[y(1), '100%'], [y(0.5), '50%'], [y(0), '0%']]);
    const bw = (w - 36) / steps.length;
    steps.forEach((s, i) => {
      const all = s.warm + s.cold + s.fallback + s.exhausted;
      if (!all) return;
      const x = 36 + i * bw;
      let acc = 0;
      for (const [n, color] of [[s.warm, '#3fb950'], [s.cold, '#d29922'], [s.fallback, '#a371f7'], [s.exhausted, '#f85149']]) {
        if (!n) continue;
        ctx.fillStyle = color;
        ctx.fillRect(x, y((acc + n) / all), Math.max(1, bw - 1), y(acc / all) - y((acc + n) / all));
        acc += n;
      }
    });
    ctx.fillStyle = '#8a98a8';
    ctx.fillText('warm · cold · fallback · exhausted', 40, h - 2);
  }

  function drawLatency(steps) {
    const c = $('latency-chart'); const ctx = c.getContext('2d'); const w = c.width; const h = c.height; const top = 8; const bottom = h - 14;
    const max = Math.max(16, ...steps.map((s) => s.p99Ms));
    const lmax = Math.log2(max);
    const y = (ms) => bottom - (Math.log2(Math.max(1, ms)) / lmax) * (bottom - top);
    axes(ctx, w, h, [[y(max), max + ''], [y(Math.round(Math.sqrt(max))), Math.round(Math.sqrt(max)) + ''], [y(1), '1']]);
    const bw = (w - 36) / steps.length;
    for (const [field, color] of [['p50Ms', '#58a6ff'], ['p99Ms', '#f85149']]) {
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
      let pen = false;
      steps.forEach((s, i) => {
        if (s[field] < 0) { pen = false; return; }
        const x = 36 + i * bw + bw / 2;
        if (pen) ctx.lineTo(x, y(s[field])); else ctx.moveTo(x, y(s[field]));
        pen = true;
      });
      ctx.stroke();
      ctx.fillStyle = color;
      steps.forEach((s, i) => { // a dot per step, so that a lone step shows too
        if (s[field] >= 0) { ctx.beginPath(); ctx.arc(36 + i * bw + bw / 2, y(s[field]), 2.5, 0, 2 * Math.PI); ctx.fill(); }
      });
    }
    ctx.fillStyle = '#8a98a8';
    ctx.fillText('p50 (blue) · p99 (red)', 40, h - 2);
  }

  // ---- events --------------------------------------------------------------------------------------------
  const recentEvents = [];

  function addEvents(events) {
    const list = $('events');
    for (const e of events) {
      recentEvents.push(e);
      list.prepend(el('li', { 'data-kind': e.kind, 'data-region': e.region || null },
        el('time', {}, new Date(e.at).toLocaleTimeString()), el('span', { class: 'kind' }, e.kind.replace('_', ' ')),
        [e.region, e.pool].filter(Boolean).join('/'), ' ', e.message));
      state.after = Math.max(state.after, e.seq);
    }
    while (recentEvents.length > MAX_EVENTS) recentEvents.shift();
    while (list.children.length > MAX_EVENTS) list.lastChild.remove();
  }

  // ---- instances (virtualised: only the rows in view are in the DOM) -------------------------------------
  function age(s) {
    if (s === null || s === undefined) return '';
    return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
  }

  function renderInstances() {
    const box = $('instances');
    const rows = state.instances;
    $('instances-spacer').style.height = (rows.length + 1) * ROW_H + 'px';
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_H) - 5);
    const count = Math.ceil(box.clientHeight / ROW_H) + 10;
    $('instances-table').style.top = first * ROW_H + 'px';
    $('instances-rows').replaceChildren(...rows.slice(first, first + count).map((i) =>
      el('tr', { 'data-id': i.id, 'data-state': i.state, class: i.drained ? 'drained' : null },
        el('td', { title: i.id }, i.id), el('td', {}, i.region), el('td', {}, i.pool),
        el('td', { class: 's-' + i.state }, i.state + (i.drained ? ' (drained)' : '')), el('td', { title: i.agent }, i.agent),
        el('td', {}, i.zone), el('td', {}, i.uses), el('td', {}, age(i.ageSeconds)), el('td', {}, i.session))));
    $('instances-count').dataset.total = state.total;
    $('instances-count').dataset.shown = rows.length;
    $('instances-count').textContent = rows.length < state.total
      ? `(${rows.length} of ${state.total} shown — narrow the filter)` : `(${state.total})`;
  }

  function renderSessions(page) {
    $('sessions-count').textContent = `(${page.total})`;
    $('sessions').replaceChildren(...page.instances.map((i) =>
      el('tr', { 'data-session': i.session, 'data-instance': i.id },
        el('td', {}, i.session), el('td', {}, i.tenant), el('td', {}, i.region), el('td', {}, i.pool),
        el('td', { title: i.id }, i.id), el('td', {}, i.agent),
        el('td', {}, i.expiresAt ? new Date(i.expiresAt).toLocaleTimeString() : ''))));
  }

  // ---- polling -------------------------------------------------------------------------------------------
  function live(ok, text) {
    const l = $('live'); l.className = 'live ' + (ok ? 'ok' : 'bad'); l.textContent = text;
  }

  function every(ms, task) {
    const run = async () => {
      try { await task(); } catch (e) {
        if (e.unauthorized) { showLogin(sessionStorage.getItem(KEY) ? 'the key was refused' : ''); return; }
        live(false, 'gateway unreachable: ' + e.message);
      }
      if (state.running) setTimeout(run, ms);
    };
    run();
  }

  async function pollSummary() {
    const d = await api('/v1/ops/dashboard?after=' + state.after);
    addEvents(d.events);
    renderRegions(d);
    drawHitRate(d.history); drawLatency(d.history);
    live(true, 'updated ' + new Date(d.now).toLocaleTimeString());
    $('main').hidden = false;
  }

  async function pollInstances() {
    const q = encodeURIComponent(state.filter);
    const [all, sessions] = await Promise.all([api('/v1/ops/instances?limit=2000&q=' + q),
      api('/v1/ops/instances?state=claimed&limit=200')]);
    state.instances = all.instances; state.total = all.total;
    renderInstances();
    renderSessions(sessions);
  }

  function start() {
    $('login').hidden = true; // the page shows once the first answer is in
    $('forget').hidden = !sessionStorage.getItem(KEY);
    if (state.running) return;
    state.running = true;
    every(1000, pollSummary);
    every(2000, pollInstances);
  }

  function showLogin(error) {
    state.running = false;
    $('main').hidden = true; $('login').hidden = false;
    $('login-error').textContent = error || '';
    live(false, 'needs a key');
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    start();
  });
  $('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); showLogin(''); });
  $('instances').addEventListener('scroll', () => requestAnimationFrame(renderInstances), { passive: true });
  let debounce;
  $('filter').addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(async () => {
      state.filter = $('filter').value.trim();
      $('instances').scrollTop = 0;
      try { await pollInstances(); } catch (e) { /* the next poll reports it */ }
    }, 200);
  });
  start();
})();
