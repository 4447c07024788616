// Grapevine KV cluster dashboard: follows GET /events (server-sent events) of the node that
// served this page and redraws what changed. Plain JavaScript, no dependencies. Every string
// that comes from the cluster is inserted as text, never as HTML.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#7c5cff', '#3ddc97', '#5cc8ff', '#ff7ab6', '#ffd166', '#4ee1e1', '#ff8c5a', '#b08cff',
    '#9be15d', '#f76e8e', '#62a8ff', '#e0c27a'];
  const STATE_LABEL = { ALIVE: 'alive', SUSPECT: 'suspect', DEAD: 'failed', LEFT: 'left' };
  const MOVING_FOR_MS = 30000;   // how long a ring change's moved ranges stay highlighted
  const FLASH_MS = 4000;         // how long a repaired range flashes
  const MAX_LOG = 14;
  const MAX_REPAIRS = 9;

  const state = {
    node: null,
    members: new Map(),   // name -> member
    ring: null,
    repairs: [],
    stats: null,
    colors: new Map(),
    clockSkew: 0,         // server time - local time
    log: [],
  };
  let source = null;

  // ---- small DOM helpers ------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.dataset[k.slice(5).replace(/-([a-z])/g, (m, c) => c.toUpperCase())] = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  const now = () => Date.now() + state.clockSkew;
  const fmt = new Intl.NumberFormat('en');
  function bytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KB';
    if (n < 1073741824) return (n / 1048576).toFixed(1) + ' MB';
    return (n / 1073741824).toFixed(2) + ' GB';
  }
  function clock(ms) {
    return new Date(ms - state.clockSkew).toLocaleTimeString('en-GB', { hour12: false });
  }
  function colorOf(name) {
    if (!state.colors.has(name)) {
      const used = new Set(state.colors.values());
      const free = PALETTE.find((c) => !used.has(c));
      state.colors.set(name, free || PALETTE[state.colors.size % PALETTE.length]);
    }
    return state.colors.get(name);
  }
  const label = (m) => STATE_LABEL[m.state] || String(m.state).toLowerCase();

  // ---- events ----------------------------------------------------------------------------
  function connect() {
    source = new EventSource('/events');
    source.addEventListener('open', () => setConnection('live'));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // The node refused (503: starting or too many dashboards) or is gone: try again later.
        setConnection('closed');
        setTimeout(connect, 5000);
      } else {
        setConnection('reconnecting');
      }
    });
    source.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
    source.addEventListener('member', (e) => onMembers(JSON.parse(e.data)));
    source.addEventListener('ring', (e) => onRing(JSON.parse(e.data)));
    source.addEventListener('repair', (e) => onRepair(JSON.parse(e.data)));
    source.addEventListener('stats', (e) => onStats(JSON.parse(e.data)));
  }

  function setConnection(s) {
    if (document.body.dataset.connection !== s) {
      document.body.dataset.connection = s;
      $('connection').textContent = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…',
        closed: 'disconnected' }[s];
      if (s === 'reconnecting' || s === 'closed') addLog(now(), 'failed', 'event stream ' + $('connection').textContent);
    }
  }

  function onSnapshot(s) {
    state.clockSkew = s.at - Date.now();
    state.node = s.node;
    state.members = new Map();
    for (const m of s.members) state.members.set(m.name, m);
    [...state.members.keys()].sort().forEach(colorOf);
    state.ring = s.ring;
    state.repairs = s.repairs || [];
    state.stats = s.stats;
    const snapshots = Number(document.body.dataset.snapshots || 0) + 1;
    document.body.dataset.snapshots = String(snapshots);
    state.log = (s.history || []).map(describe).reverse().slice(0, MAX_LOG - 1);
    setConnection('live');
    addLog(s.at, 'alive', (snapshots > 1 ? 'reconnected to ' : 'connected to ') + s.node);
    renderAll();
  }

  // One past change (a snapshot's history, or a live event) as a line of the event log.
  function describe(h) {
    if (h.kind === 'ring') {
      return { at: h.at, kind: 'ring', text: 'ring ' + h.name.slice(0, 8) + ': ' + fmt.format(h.moved)
        + ' ranges moved' };
    }
    const after = STATE_LABEL[h.after] || String(h.after).toLowerCase();
    if (h.after === 'REMOVED') return { at: h.at, kind: 'left', text: h.name + ' removed from the member list' };
    return { at: h.at, kind: after, text: h.name + (h.before ? ' ' + (STATE_LABEL[h.before] || h.before) + ' → ' + after
      : ' joined (' + after + ')') };
  }

  function onMembers(e) {
    for (const m of e.members) {
      const before = state.members.get(m.name);
      state.members.set(m.name, m);
      colorOf(m.name);
      if (!before || before.state !== m.state) {
        log(describe({ at: e.at, kind: 'member', name: m.name, before: before && before.state, after: m.state }));
      }
    }
    for (const name of e.removed) {
      const before = state.members.get(name);
      state.members.delete(name);
      log(describe({ at: e.at, kind: 'member', name, before: before && before.state, after: 'REMOVED' }));
    }
    renderMembers();
    renderLegend();
    renderRing();   // a failed owner's ranges are drawn dimmed
    renderHeader();
  }

  function onRing(r) {
    const before = state.ring;
    state.ring = r;
    if (r.change && (!before || !before.change || before.change.at !== r.change.at)) {
      log(describe({ at: r.change.at, kind: 'ring', name: r.digest, moved: r.change.moved }));
    }
    renderRing();
    renderLegend();
    renderMembers();
    renderHeader();
  }

  function onRepair(r) {
    state.repairs.push(r);
    if (state.repairs.length > 20) state.repairs.shift();
    renderRepairs();
    flash(r);
  }

  function onStats(s) {
    state.stats = s;
    renderMembers();
    renderRepairTotals();
    renderHeader();
  }

  function addLog(at, kind, text) {
    log({ at, kind, text });
  }

  function log(line) {
    state.log.unshift(line);
    state.log.length = Math.min(state.log.length, MAX_LOG);
    renderLog();
  }

  // ---- rendering -------------------------------------------------------------------------
  function renderAll() {
    renderHeader();
    renderMembers();
    renderRing();
    renderLegend();
    renderRepairTotals();
    renderRepairs();
    renderLog();
  }

  function renderHeader() {
    $('node-name').textContent = state.node || '–';
    $('ring-digest').textContent = state.ring ? state.ring.digest.slice(0, 8) : '–';
    const members = [...state.members.values()];
    $('alive-count').textContent = members.filter((m) => m.state === 'ALIVE').length + ' / ' + members.length;
    const nodes = state.stats ? Object.values(state.stats.nodes) : [];
    $('key-total').textContent = fmt.format(nodes.reduce((sum, n) => sum + n.keys, 0));
  }

  function renderMembers() {
    const body = $('members').tBodies[0];
    const nodes = (state.stats && state.stats.nodes) || {};
    const max = Math.max(1, ...Object.values(nodes).map((n) => n.keys));
    const rows = [...state.members.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) => {
      const count = nodes[m.name];
      const owns = state.ring && state.ring.ownership[m.name];
      const tags = Object.entries(m.tags).filter(([k]) => k !== 'http' && k !== 'repair')
        .map(([k, v]) => el('span', { class: 'tag' }, k + '=' + v));
      const bar = el('div', { class: 'bar' }, el('span'));
      bar.firstChild.style.width = (count ? (100 * count.keys / max) : 0).toFixed(1) + '%';
      bar.firstChild.style.background = colorOf(m.name);
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colorOf(m.name);
      return el('tr', { class: 'member', 'data-name': m.name, 'data-state': label(m) },
        el('td', { class: 'name' }, swatch, ' ', m.name,
          m.name === state.node ? el('span', { class: 'self' }, '(this node)') : null,
          el('span', { class: 'addr' }, m.http ? m.http.replace('http://', '') : m.gossip)),
        el('td', {}, el('span', { class: 'state' }, label(m))),
        el('td', { class: 'num keys', 'data-keys': count ? String(count.keys) : '' },
          count ? fmt.format(count.keys) : '–',
          count && count.stale ? el('span', { class: 'stale', title: count.error || '' }, 'last known') : null),
        el('td', {}, bar),
        el('td', { class: 'num' }, owns ? (100 * owns).toFixed(1) + '%' : '–'),
        el('td', {}, ...tags));
    });
    body.replaceChildren(...rows);
    const alive = [...state.members.values()].filter((m) => m.state === 'ALIVE').length;
    $('members-summary').textContent = alive + ' of ' + state.members.size + ' alive';
  }

  function renderLegend() {
    const ring = state.ring;
    const primary = new Map();
    if (ring) {
      for (const slot of ring.slots) {
        if (slot.length) primary.set(ring.owners[slot[0]], (primary.get(ring.owners[slot[0]]) || 0) + 1);
      }
    }
    const items = [...state.members.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colorOf(m.name);
      const share = ring && primary.has(m.name) ? (100 * primary.get(m.name) / ring.slots.length).toFixed(1) + '% primary'
        : 'owns no ranges';
      return el('li', { 'data-state': label(m) }, swatch, el('b', {}, m.name), el('span', {}, share),
        el('span', { class: 'state' }, label(m)));
    });
    $('legend').replaceChildren(...items);
  }

  // Angles: fraction 0 at the top, clockwise.
  function point(r, f) {
    const a = f * 2 * Math.PI - Math.PI / 2;
    return [(r * Math.cos(a)).toFixed(2), (r * Math.sin(a)).toFixed(2)];
  }
  function arc(r0, r1, f0, f1) {
    if (f1 - f0 >= 0.999999) {  // a whole ring: two halves
      return arc(r0, r1, 0, 0.5) + arc(r0, r1, 0.5, 1);
    }
    const large = f1 - f0 > 0.5 ? 1 : 0;
    const [x0, y0] = point(r1, f0);
    const [x1, y1] = point(r1, f1);
    const [x2, y2] = point(r0, f1);
    const [x3, y3] = point(r0, f0);
    return `M${x0} ${y0}A${r1} ${r1} 0 ${large} 1 ${x1} ${y1}L${x2} ${y2}A${r0} ${r0} 0 ${large} 0 ${x3} ${y3}Z`;
  }
  // Ranges may wrap past 0 (to <= from): draw them as two pieces.
  function pieces(from, to) {
    return to > from ? [[from, to]] : [[from, 1], [0, to]].filter(([a, b]) => b > a);
  }

  function renderRing() {
    const root = ringLayer();
    const layers = [];
    const ring = state.ring;
    if (!ring || !ring.slots.length) {
      root.replaceChildren();
      $('ring-summary').textContent = 'no owners';
      return;
    }
    const n = ring.slots.length;
    const bands = [[150, 205, 'primary'], [128, 148, 'secondary'], [110, 126, 'tertiary']];
    bands.forEach(([r0, r1, cls], rank) => {
      // merge adjacent slots with the same replica at this rank into one arc
      let start = 0;
      for (let i = 1; i <= n; i++) {
        const owner = (s) => (ring.slots[s] && ring.slots[s].length > rank ? ring.slots[s][rank] : -1);
        if (i < n && owner(i) === owner(start)) continue;
        const o = owner(start);
        if (o >= 0) {
          const name = ring.owners[o];
          const m = state.members.get(name);
          const p = svg('path', { d: arc(r0, r1, start / n, i / n), fill: colorOf(name),
            class: 'slot ' + cls + (m && m.state !== 'ALIVE' && m.state !== 'SUSPECT' ? ' dead' : ''),
            'data-owner': name });
          const title = svg('title');
          title.textContent = (rank === 0 ? 'primary ' : 'replica ' + (rank + 1) + ' ') + name;
          p.append(title);
          layers.push(p);
        }
        start = i;
      }
    });
    // moving ranges: outer band, while the change is recent
    const change = ring.change;
    let moving = 0;
    if (change && now() - change.at < MOVING_FOR_MS) {
      moving = change.moved;
      for (const mv of change.movements) {
        for (const [a, b] of pieces(mv.from, mv.to)) {
          const p = svg('path', { d: arc(211, 224, a, b), class: 'move' });
          const title = svg('title');
          title.textContent = 'moving: ' + mv.before.join(',') + ' → ' + mv.after.join(',');
          p.append(title);
          layers.push(p);
        }
      }
    }
    for (const [i, t] of [[0, '0'], [0.25, '¼'], [0.5, '½'], [0.75, '¾']]) {
      const [x, y] = point(238, i);
      const text = svg('text', { x, y: Number(y) + 4, class: 'tick' });
      text.textContent = t;
      layers.push(text);
    }
    const title = svg('text', { x: 0, y: -8, class: 'center-title' });
    title.textContent = ring.digest.slice(0, 8);
    const line1 = svg('text', { x: 0, y: 14, class: 'center-line' });
    line1.textContent = ring.owners.length + ' owners · RF ' + ring.replication;
    const line2 = svg('text', { x: 0, y: 31, class: 'center-line' });
    line2.textContent = fmt.format(ring.partitions) + ' partitions';
    layers.push(title, line1, line2);
    root.replaceChildren(...layers);
    $('ring-summary').textContent = 'coloured by primary; inner bands: 2nd and 3rd replica';
    const mv = $('moving');
    mv.dataset.moving = String(moving);
    mv.textContent = moving
      ? fmt.format(moving) + ' ranges moved ' + Math.round((now() - change.at) / 1000) + ' s ago'
        + movedBy(change.movements)
      : 'no ranges moving';
  }

  function movedBy(movements) {
    const gained = new Set();
    const lost = new Set();
    for (const mv of movements) {
      mv.after.filter((n) => !mv.before.includes(n)).forEach((n) => gained.add(n));
      mv.before.filter((n) => !mv.after.includes(n)).forEach((n) => lost.add(n));
    }
    const parts = [];
    if (gained.size) parts.push('to ' + [...gained].sort().join(', '));
    if (lost.size) parts.push('from ' + [...lost].sort().join(', '));
    return parts.length ? ' (' + parts.join('; ') + ')' : '';
  }

  // The drawing is rebuilt on changes; repair flashes live in their own layer above it.
  function ringLayer() {
    let g = document.getElementById('ring-layer');
    if (!g) {
      g = svg('g', { id: 'ring-layer' });
      $('ring').append(g, svg('g', { id: 'flashes' }));
    }
    return g;
  }

  function flash(r) {
    ringLayer();
    const g = document.getElementById('flashes');
    for (const [a, b] of pieces(r.from, r.to)) {
      const p = svg('path', { d: arc(228, 234, a, b), class: 'flash' });
      g.append(p);
      setTimeout(() => p.remove(), FLASH_MS);
    }
  }

  function renderRepairTotals() {
    const r = state.stats && state.stats.repair;
    const box = $('repair-totals');
    if (!r) {
      box.replaceChildren();
      return;
    }
    const total = (value, what) => el('div', { class: 'total' }, el('b', {}, value), el('span', {}, what));
    box.replaceChildren(
      total(fmt.format(r.pending), 'queued or running'),
      total(fmt.format(r.sessions), 'sessions, ' + fmt.format(r.failedSessions) + ' failed'),
      total(fmt.format(r.differences), 'keys differed'),
      total(fmt.format(r.entriesReceived), 'entries received'),
      total(fmt.format(r.entriesSent), 'entries sent'),
      total(bytes(r.bytesSent + r.bytesReceived), 'streamed'));
  }

  function renderRepairs() {
    const list = $('repairs');
    const latest = state.repairs.slice(-MAX_REPAIRS).reverse();
    if (!latest.length) {
      list.replaceChildren(el('li', { class: 'empty' }, 'no repair sessions yet'));
      return;
    }
    list.replaceChildren(...latest.map((r) => el('li', { class: r.error ? 'failed' : '' },
      el('time', {}, clock(r.at)),
      el('span', {}, r.initiator ? '→ ' + r.peer : '← ' + (r.peer.startsWith('/') ? 'inbound' : r.peer)),
      el('span', { class: 'mode' }, r.error ? 'failed' : r.mode),
      el('span', { title: r.range }, r.error ? r.error : fmt.format(r.differences) + ' keys · '
        + bytes(r.bytesSent + r.bytesReceived) + ' · ' + r.millis + ' ms'))));
  }

  function renderLog() {
    const list = $('log');
    if (!state.log.length) {
      list.replaceChildren(el('li', { class: 'empty' }, 'waiting for changes'));
      return;
    }
    list.replaceChildren(...state.log.map((e) => el('li', {},
      el('time', {}, clock(e.at)), el('span', { class: e.kind }, e.text))));
  }

  // Highlights fade with time, not only with events.
  setInterval(() => {
    if (state.ring && state.ring.change && now() - state.ring.change.at < MOVING_FOR_MS + 2000) renderRing();
  }, 1000);

  connect();
})();
