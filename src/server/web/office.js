// The login page and the office's board: status refreshed every few
// seconds, compiling with its progress, sums, audit log.
'use strict';

async function loginPage() {
  const form = document.getElementById('login');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = document.getElementById('message');
    const code = form.querySelector('[name=code]').value.trim();
    try {
      const r = await bs.api('POST', '/api/login', { code });
      location.href = r.role === 'office' ? '/office' : '/portal';
    } catch (err) {
      msg.replaceChildren(bs.el('div', { class: 'notice err', text: err.message }));
    }
  });
}

const last = new Map();

function statusRow(u) {
  const cell = (text, cls) => bs.el('td', { class: cls || '', text });
  const short = { plan: '工作方案', highlights: '一览表', case: '案例', media: '媒体报道', summary: '总结' };
  const sent = u.sent + ' 份' + (u.sent ? '（' + Object.entries(u.types).filter(([, n]) => n)
    .map(([t, n]) => (short[t] || t) + ' ' + n).join('，') + '）' : '');
  return bs.el('tr', { 'data-unit': u.unit },
    cell(u.unit + (u.listed ? '' : '（不在名单中）')),
    cell(u.region || ''),
    cell(sent),
    cell(u.missing.join('、'), u.missing.length ? 'warn' : ''),
    cell(u.late.join('、'), u.late.length ? 'err' : ''),
    cell(String(u.errors), 'num ' + (u.errors ? 'err' : '')),
    cell(String(u.warnings), 'num ' + (u.warnings ? 'warn' : '')));
}

async function refreshStatus() {
  let rows;
  try {
    rows = await bs.api('GET', '/api/status');
  } catch (e) {
    if (e.status === 401) { location.href = '/login'; }
    return;
  }
  const tbody = document.querySelector('#status tbody');
  const out = rows.map((u) => {
    const key = JSON.stringify(u);
    const tr = statusRow(u);
    if (last.has(u.unit) && last.get(u.unit) !== key) tr.classList.add('changed');
    last.set(u.unit, key);
    return tr;
  });
  tbody.replaceChildren(...out);
  document.getElementById('updated').textContent = '更新于 ' + new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

async function refreshStats() {
  const s = await bs.api('GET', '/api/stats');
  const row = (r) => bs.el('tr', {}, ...[r.name, r.summaries, r.schools, r.enterprises, r.teachers, r.students,
    r.coverage, r.participants, r.experience_projects, r.media].map((v) => bs.el('td', { text: String(v) })));
  document.querySelector('#stats tbody').replaceChildren(...s.counties.map(row), row(s.total));
}

async function refreshAudit() {
  const a = await bs.api('GET', '/api/audit');
  document.querySelector('#audit tbody').replaceChildren(...a.slice(0, 100).map((r) =>
    bs.el('tr', {}, ...[r.at, r.unit || '', r.action, r.detail, r.addr].map((v) => bs.el('td', { text: v })))));
}

async function compile() {
  const btn = document.getElementById('compile');
  const state = document.getElementById('compile-state');
  const bar = document.getElementById('compile-progress');
  btn.disabled = true;
  bar.hidden = false;
  try {
    const { job } = await bs.api('POST', '/api/compile');
    for (;;) {
      const j = await bs.api('GET', '/api/compile/' + job);
      state.textContent = j.stage + (j.total ? '（' + j.done + '/' + j.total + '）' : '');
      bar.firstElementChild.style.width = (j.total ? Math.round(100 * j.done / j.total) : 5) + '%';
      if (j.state === 'done') {
        state.textContent = j.message;
        bar.firstElementChild.style.width = '100%';
        document.getElementById('compile-files').replaceChildren(...j.files.map((f) =>
          bs.el('a', { class: 'button', href: '/api/exports/' + encodeURIComponent(f), id: f.endsWith('.pdf') ? 'download-volume-pdf' : 'download-volume-docx' }, '下载 ' + f)));
        break;
      }
      if (j.state === 'failed') { state.textContent = '汇编失败：' + j.message; break; }
      await new Promise((r) => setTimeout(r, 700));
    }
  } catch (e) {
    state.textContent = e.message;
  } finally {
    btn.disabled = false;
  }
}

async function officePage() {
  await bs.loadSession();
  if (!bs.session || bs.session.role !== 'office') { location.href = '/login'; return; }
  document.getElementById('logout').onclick = async () => { await bs.api('POST', '/api/logout'); location.href = '/login'; };
  document.getElementById('compile').onclick = compile;
  await refreshStatus();
  refreshStats().catch(() => {});
  refreshAudit().catch(() => {});
  setInterval(refreshStatus, 2000);
  setInterval(() => refreshAudit().catch(() => {}), 10000);
  setInterval(() => refreshStats().catch(() => {}), 15000);
}

if (document.getElementById('login')) loginPage(); else officePage();
