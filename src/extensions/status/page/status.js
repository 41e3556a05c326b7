// The status page: one server-sent event per refresh carries the whole status document
// (see document.ts); rates are the difference between two documents. Plain DOM, no
// framework; every text from the daemon goes in as text, never as HTML.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const W = 200, H = 80, GAP_X = 64, GAP_Y = 18, PAD = 12;
let previous = null;

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function fmt(n) {
  if (n === undefined || n === null || Number.isNaN(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  if (a >= 10 || n === 0) return String(Math.round(n));
  return n.toFixed(1);
}

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  return new Date(ms).toLocaleString();
}

function healthClass(n) {
  if (n.health.healthy) return 'ok';
  return n.health.message === 'not running' || n.health.message === 'not started' ? 'idle' : 'bad';
}

/** Per-second rate of one counter between the previous document and this one. */
function rater(doc) {
  const prev = new Map((previous ? previous.nodes : []).map((n) => [n.id, n]));
  const dt = previous ? (doc.time - previous.time) / 1000 : 0;
  return (node, field) => {
    const p = prev.get(node.id);
    const now = node.counters[field];
    if (now === undefined) return undefined;
    if (!p || dt <= 0 || p.counters[field] === undefined) return undefined;
    return Math.max(0, now - p.counters[field]) / dt;
  };
}

/** Columns by longest path from a source: edges mostly join neighbouring columns and cross no box. */
function layout(doc) {
  const depth = new Map(doc.nodes.map((n) => [n.id, 0]));
  for (let i = 0; i < doc.nodes.length; i++) {
    let changed = false;
    for (const e of doc.edges) {
      const d = depth.get(e.from) + 1;
      if (d > depth.get(e.to)) { depth.set(e.to, d); changed = true; }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const n of doc.nodes) (columns[depth.get(n.id)] ||= []).push(n);
  const pos = new Map();
  columns.forEach((col, c) => {
    if (!col) return;
    // Order by where the nodes feeding each one sit, to keep edges short.
    const weight = (n) => {
      const ys = doc.edges.filter((e) => e.to === n.id && pos.has(e.from)).map((e) => pos.get(e.from).y);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
    };
    col.map((n, i) => ({ n, w: weight(n), i })).sort((a, b) => (a.w - b.w) || (a.i - b.i)).forEach(({ n }, row) => {
      pos.set(n.id, { x: PAD + c * (W + GAP_X), y: PAD + row * (H + GAP_Y) });
    });
  });
  const width = PAD * 2 + columns.length * (W + GAP_X) - GAP_X;
  const height = PAD * 2 + Math.max(1, ...columns.map((c) => (c ? c.length : 0))) * (H + GAP_Y) - GAP_Y;
  return { pos, width, height };
}

function statsLine(n, rate) {
  switch (n.kind) {
    case 'receiver': return 'in ' + fmt(rate(n, 'accepted')) + '/s · refused ' + fmt(rate(n, 'refused')) + '/s';
    case 'processor': return 'in ' + fmt(rate(n, 'incoming')) + '/s · out ' + fmt(rate(n, 'outgoing')) + '/s';
    case 'exporter': return 'sent ' + fmt(rate(n, 'sent')) + '/s · failed ' + fmt(rate(n, 'failed')) + '/s';
    default: return n.signals.join(', ');
  }
}

function drawGraph(doc, rate) {
  const svg = $('#graph');
  const { pos, width, height } = layout(doc);
  svg.replaceChildren();
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  for (const e of doc.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg.append(el('svg:path', { class: 'edge', d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2 }));
  }
  for (const n of doc.nodes) {
    const p = pos.get(n.id);
    const cls = healthClass(n);
    const g = el('svg:g', { class: 'node ' + cls, 'data-node': n.id, 'data-health': cls === 'ok' ? 'healthy' : cls === 'bad' ? 'unhealthy' : 'idle', transform: 'translate(' + p.x + ',' + p.y + ')' });
    const tip = n.label + (n.pipeline ? ' in ' + n.pipeline : '') + (n.health.message ? '\n' + n.health.message : '') + (n.last_error ? '\nlast error ' + ago(n.last_error.time) + ': ' + n.last_error.message : '');
    g.append(el('svg:title', {}, tip));
    g.append(el('svg:rect', { width: W, height: H }));
    g.append(el('svg:text', { class: 'kind', x: 10, y: 15 }, n.kind + (n.pipeline ? ' · ' + n.pipeline : '')));
    g.append(el('svg:text', { class: 'title', x: 10, y: 33 }, n.label.length > 26 ? n.label.slice(0, 25) + '…' : n.label));
    g.append(el('svg:text', { class: 'stats', x: 10, y: 51 }, statsLine(n, rate)));
    if (cls === 'bad') {
      const msg = (n.last_error && n.last_error.message) || n.health.message;
      g.append(el('svg:text', { class: 'err', x: 10, y: 70 }, msg.length > 32 ? msg.slice(0, 31) + '…' : msg));
    } else if (n.queue && n.queue.capacity > 0) {
      const f = Math.min(1, n.queue.size / n.queue.capacity);
      g.append(el('svg:rect', { class: 'qbar', x: 10, y: 62, width: W - 20, height: 8, rx: 3 }));
      g.append(el('svg:rect', { class: 'qfill' + (f >= 0.9 ? ' full' : ''), x: 10, y: 62, width: Math.max(f > 0 ? 2 : 0, (W - 20) * f), height: 8, rx: 3 }));
      g.append(el('svg:title', {}, 'queue ' + n.queue.size + ' / ' + n.queue.capacity));
    }
    svg.append(g);
  }
}

function numberCell(n, field, rate) {
  const total = n.counters[field];
  if (total === undefined) return el('td', { class: 'n quiet' }, '');
  return el('td', { class: 'n', 'data-field': field, 'data-total': total, title: 'total ' + total }, fmt(rate(n, field)));
}

function drawComponents(doc, rate) {
  const body = $('#components tbody');
  body.replaceChildren();
  for (const n of doc.nodes) {
    const cls = healthClass(n);
    const tr = el('tr', { 'data-node': n.id });
    tr.append(el('td', { class: 'quiet' }, n.kind));
    tr.append(el('td', {}, n.label + (n.pipeline ? ' @ ' + n.pipeline : '')));
    tr.append(el('td', { class: 'health ' + cls, 'data-health': cls === 'ok' ? 'healthy' : cls === 'bad' ? 'unhealthy' : 'idle', title: n.health.message }, cls === 'ok' ? 'healthy' : cls === 'bad' ? 'unhealthy' : 'not running'));
    for (const f of ['accepted', 'refused', 'incoming', 'outgoing', 'sent', 'failed']) tr.append(numberCell(n, f, rate));
    tr.append(n.queue
      ? el('td', { class: 'n', 'data-field': 'queue', 'data-total': n.queue.size }, n.queue.size + ' / ' + n.queue.capacity)
      : el('td', { class: 'n quiet' }, ''));
    tr.append(el('td', { class: 'n', 'data-field': 'dropped', 'data-total': n.counters.dropped || 0 }, fmt(n.counters.dropped || 0)));
    tr.append(n.last_error
      ? el('td', { class: 'error', 'data-field': 'last_error', title: new Date(n.last_error.time).toISOString() }, ago(n.last_error.time) + ': ' + n.last_error.message)
      : el('td', { class: 'quiet' }, ''));
    body.append(tr);
  }
}

function drawDrops(doc) {
  const prev = new Map((previous ? previous.drops : []).map((d) => [d.component + d.signal + d.reason, d.items]));
  const dt = previous ? (doc.time - previous.time) / 1000 : 0;
  const body = $('#drops tbody');
  body.replaceChildren();
  for (const d of doc.drops) {
    const before = prev.get(d.component + d.signal + d.reason);
    const tr = el('tr', { 'data-drop': d.component + '|' + d.signal + '|' + d.reason });
    tr.append(el('td', {}, d.component), el('td', {}, d.signal), el('td', {}, d.reason));
    tr.append(el('td', { class: 'n', 'data-total': d.items }, d.items));
    tr.append(el('td', { class: 'n' }, before === undefined || dt <= 0 ? '—' : fmt((d.items - before) / dt)));
    body.append(tr);
  }
  $('#no-drops').hidden = doc.drops.length > 0;
}

function drawSecurity(doc) {
  const s = doc.security;
  const policy = $('#policy');
  const paths = $('#paths');
  const findings = $('#findings');
  findings.replaceChildren();
  if (!s) { policy.hidden = false; paths.hidden = true; $('#guard').hidden = true; return; }
  policy.replaceChildren(
    el('span', { class: s.findings.length ? 'proof-bad' : 'proof-ok' }, s.findings.length ? 'The proof fails. ' : 'Proven: every path ends at a sink' + (s.scrubbers.length ? ', scrubbed. ' : '. ')),
    document.createTextNode('Security records (' + JSON.stringify(s.classify) + ', ' + s.signals.join(', ') + ') may reach only '),
    el('code', {}, s.sinks.join(', ')),
    document.createTextNode(s.scrubbers.length ? ', through ' : '.'),
    el('code', {}, s.scrubbers.join(', ')),
    document.createTextNode(s.enforce ? '' : ' (enforce: false: not refused at start)'),
  );
  for (const f of s.findings) findings.append(el('li', {}, f));
  const body = paths.querySelector('tbody');
  body.replaceChildren();
  for (const p of s.paths) {
    const tr = el('tr', { 'data-sink': p.sink ? 'yes' : 'no' });
    tr.append(el('td', {}, p.steps.join(' → ')), el('td', { class: 'quiet' }, p.pipelines.join(' → ')));
    tr.append(el('td', { class: p.sink ? 'health ok' : 'health bad' }, p.exporter + (p.sink ? '' : ' (not a sink)')));
    tr.append(el('td', { class: p.scrubbedBy.length || !s.scrubbers.length ? '' : 'health bad' }, p.scrubbedBy.join(', ') || (s.scrubbers.length ? 'nothing' : '—')));
    body.append(tr);
  }
  paths.hidden = s.paths.length === 0;
  const guard = $('#guard');
  const gb = guard.querySelector('tbody');
  gb.replaceChildren();
  for (const g of s.guarded) {
    const id = g.slice(0, g.lastIndexOf('@'));
    const tr = el('tr', { 'data-guard': g });
    tr.append(el('td', {}, g), el('td', { class: 'n', 'data-total': s.guard_dropped['exporter/' + id] || 0 }, s.guard_dropped['exporter/' + id] || 0));
    gb.append(tr);
  }
  guard.hidden = !s.runtimeGuard || s.guarded.length === 0;
  $('#no-guard').hidden = s.runtimeGuard;
}

function drawReloads(doc) {
  const body = $('#reloads tbody');
  body.replaceChildren();
  for (const r of doc.reloads) {
    const tr = el('tr');
    tr.append(el('td', {}, r.trigger), el('td', {}, r.result), el('td', { class: 'n' }, r.count));
    body.append(tr);
  }
  $('#controls').textContent = 'POST /reload is ' + (doc.reload_enabled ? 'on (bearer token)' : 'off') + '; tap is ' + (doc.tap_enabled ? 'on' : 'off') + '.';
}

function render(doc) {
  const rate = rater(doc);
  $('#hash').textContent = doc.config_hash;
  $('#updated').textContent = new Date(doc.time).toLocaleTimeString();
  drawGraph(doc, rate);
  drawComponents(doc, rate);
  drawDrops(doc);
  drawSecurity(doc);
  drawReloads(doc);
  // A configuration change (reload) starts the rates afresh.
  previous = previous && previous.config_hash !== doc.config_hash ? null : doc;
  document.body.dataset.time = String(doc.time);
}

function setLive(on) {
  const live = $('#live');
  live.className = 'live ' + (on ? 'on' : 'off');
  live.dataset.state = on ? 'live' : 'reconnecting';
  live.textContent = on ? 'live' : 'reconnecting…';
}

function connect() {
  const events = new EventSource('api/events');
  events.onopen = () => setLive(true);
  events.onerror = () => setLive(false); // EventSource reconnects by itself (the daemon may be reloading)
  events.onmessage = (e) => {
    setLive(true);
    try { render(JSON.parse(e.data)); } catch (err) { console.error(err); }
  };
}

connect();
