// The Reports page: a site's (or an agent's) figures over the last 7 or
// 30 days or a range of days, as cards, a bar chart of conversations per
// day and the ratings' distribution, drawn as inline SVG, and a CSV
// download. Agents see their own figures; admins and owners choose.
// docs/inbox.md says what each figure means.
import { api, download } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

const NS = 'http://www.w3.org/2000/svg';

// svg builds an SVG element; kids are nodes or text.
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
}

let wired = false;
let loaded = 0; // loads begun: an older answer is dropped
let agentsOf = ''; // the site whose agents fill the filter

// query is the API query of the chosen range and agent.
function query() {
  const range = $('report-range').value;
  let p = range === 'custom' ? 'from=' + $('report-from').value + '&to=' + $('report-to').value : 'days=' + range;
  const agent = $('report-agent').value;
  if (agent) p += '&agent=' + encodeURIComponent(agent);
  return p;
}

function wire() {
  if (wired) return;
  wired = true;
  $('report-range').onchange = () => {
    const custom = $('report-range').value === 'custom';
    for (const el of document.querySelectorAll('.report-custom')) el.hidden = !custom;
    if (!custom || ($('report-from').value && $('report-to').value)) load();
  };
  $('report-from').onchange = $('report-to').onchange = () => {
    if ($('report-from').value && $('report-to').value) load();
  };
  $('report-agent').onchange = () => load();
  $('report-csv').onclick = csv;
}

// agents fills the agent filter: all agents or one, for admins; an agent
// sees only their own.
async function agents() {
  const pick = $('report-agent');
  if (agentsOf === state.site) return;
  agentsOf = state.site;
  const me = state.me;
  if (me.role === 'agent') {
    pick.replaceChildren(h('option', { value: '' }, me.name || me.email));
    pick.disabled = true;
    return;
  }
  pick.disabled = false;
  pick.replaceChildren(h('option', { value: '' }, t('reports.allagents')));
  try {
    const res = await api('GET', q('/api/v1/agents'));
    pick.append(...res.agents.map((a) => h('option', { value: a.id }, a.name || a.email)));
  } catch {
    // the site's figures still show
  }
}

// loadReports shows the report of the chosen range.
export async function loadReports() {
  wire();
  await agents();
  return load();
}

async function load() {
  const mine = ++loaded;
  const note = $('report-note');
  $('view-reports').setAttribute('aria-busy', 'true');
  try {
    const { report } = await api('GET', q('/api/v1/reports?' + query()));
    if (mine !== loaded) return;
    note.textContent = t('reports.range.note', { from: report.from, to: report.to, zone: report.timezone });
    show(report);
  } catch (err) {
    if (mine !== loaded) return;
    note.textContent = t('reports.error', { error: err.message });
  } finally {
    if (mine === loaded) $('view-reports').removeAttribute('aria-busy');
  }
}

async function csv() {
  const button = $('report-csv');
  button.disabled = true;
  try {
    const blob = await download(q('/api/v1/reports?format=csv&' + query()));
    const url = URL.createObjectURL(blob);
    h('a', { href: url, download: 'report-' + state.site + '.csv' }).click();
    setTimeout(() => URL.revokeObjectURL(url), 6e4);
  } catch (err) {
    $('report-note').textContent = t('reports.error', { error: err.message });
  } finally {
    button.disabled = false;
  }
}

// duration writes seconds briefly: 45 s, 2.5 min, 3.1 h.
function duration(s) {
  if (s == null) return '—';
  if (s < 60) return t('reports.unit.s', { n: Math.round(s) });
  if (s < 3600) return t('reports.unit.min', { n: +(s / 60).toFixed(1) });
  return t('reports.unit.h', { n: +(s / 3600).toFixed(1) });
}

const pct = (x) => (x == null ? '—' : +(x * 100).toFixed(1) + '%');

function card(key, value, sub) {
  return h('div.report-card', { 'data-key': key }, h('div.report-label', null, t('reports.' + key)), h('div.report-value', null, value), sub ? h('div.report-sub', null, sub) : null);
}

function show(r) {
  const f = r.total;
  const p = (d) => t('reports.p90', { p90: duration(d.p90_seconds) });
  $('report-cards').replaceChildren(
    card('conversations', String(f.conversations), t('reports.answered', { n: f.answered })),
    card('missed', String(f.missed), t('reports.missed.sub', { n: r.missed_after_minutes })),
    card('first_response', duration(f.first_response.p50_seconds), p(f.first_response)),
    card('resolution', duration(f.resolution.p50_seconds), p(f.resolution)),
    card('csat_average', f.csat.average == null ? '—' : String(f.csat.average), t('reports.rated', { n: f.csat.count })),
    card('faq_views', String(f.faq.views), t('reports.solved', { n: f.faq.solved })),
    card('deflection', pct(f.faq.deflection_rate), t('reports.deflection.sub')),
  );
  $('report-days').replaceChildren(dayChart(r.days));
  $('report-csat').replaceChildren(csatChart(f.csat.ratings));
}

// dayChart is a bar per day, with the largest count and a few dates.
function dayChart(days) {
  const W = 640, H = 180, top = 14, bottom = 22, left = 28;
  const most = Math.max(1, ...days.map((d) => d.conversations));
  const slot = (W - left) / days.length;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'report-chart', role: 'img', 'aria-label': t('reports.perday') });
  chart.append(
    svg('line', { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }),
    svg('text', { x: left - 4, y: top + 4, 'text-anchor': 'end' }, String(most)),
    svg('text', { x: left - 4, y: H - bottom, 'text-anchor': 'end' }, '0'),
  );
  const every = Math.ceil(days.length / 8); // at most some eight dates
  days.forEach((d, i) => {
    const bh = ((H - top - bottom) * d.conversations) / most;
    const x = left + i * slot + slot * 0.15;
    chart.append(
      svg('rect', { x, y: H - bottom - bh, width: slot * 0.7, height: bh, class: 'bar', 'data-date': d.date, 'data-value': d.conversations },
        svg('title', {}, d.date + ': ' + d.conversations)),
    );
    if (i % every === 0 || i === days.length - 1) chart.append(svg('text', { x: x + slot * 0.35, y: H - 6, 'text-anchor': 'middle' }, d.date.slice(5)));
  });
  return chart;
}

// csatChart is a horizontal bar per rating, 5 stars first.
function csatChart(ratings) {
  const W = 320, row = 26, left = 40, right = 40;
  const most = Math.max(1, ...ratings);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${row * 5 + 4}`, class: 'report-chart', role: 'img', 'aria-label': t('reports.csat') });
  for (let star = 5; star >= 1; star--) {
    const n = ratings[star - 1];
    const y = (5 - star) * row + 4;
    const w = ((W - left - right) * n) / most;
    chart.append(
      svg('text', { x: left - 6, y: y + row / 2 + 4, 'text-anchor': 'end' }, star + '★'),
      svg('rect', { x: left, y, width: w, height: row - 8, class: 'bar csat', 'data-rating': star, 'data-value': n }, svg('title', {}, star + '★: ' + n)),
      svg('text', { x: left + w + 4, y: y + row / 2 + 4 }, String(n)),
    );
  }
  return chart;
}
