// The start page: the materials of the folder (or of the school, in the
// portal) with their status, links to new forms, and Word import.
'use strict';

async function importDocx(file) {
  const msg = document.getElementById('message');
  if (!/\.docx$/i.test(file.name)) {
    msg.replaceChildren(bs.el('div', { class: 'notice err', text: file.name + ' 不是 Word 文件（.docx）' }));
    return;
  }
  msg.replaceChildren(bs.el('div', { class: 'notice', text: '正在转换 ' + file.name + '……' }));
  const fd = new FormData();
  fd.append('file', file, file.name);
  try {
    const r = await bs.api('POST', '/api/import', fd);
    sessionStorage.setItem('import-notes:' + r.path, JSON.stringify(r.notes || []));
    location.href = '/edit?path=' + encodeURIComponent(r.path);
  } catch (e) {
    msg.replaceChildren(bs.el('div', { class: 'notice err', text: e.message }));
  }
}

async function listMaterials() {
  const tbody = document.querySelector('#materials tbody');
  let data;
  try {
    data = await bs.api('GET', '/api/materials');
  } catch (e) {
    tbody.replaceChildren(bs.el('tr', {}, bs.el('td', { colspan: 5, class: 'err', text: e.message })));
    return;
  }
  const rows = data.materials.map((m) => {
    const [text, cls] = bs.statusText(m);
    const open = m.kind === 'docx'
      ? bs.el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); openDocx(m.path); }, text: m.title || m.path })
      : bs.el('a', { href: '/edit?path=' + encodeURIComponent(m.path), text: m.title || m.path });
    return bs.el('tr', { 'data-path': m.path },
      bs.el('td', {}, open),
      bs.el('td', { text: bs.typeLabels[m.type] || '' }),
      bs.el('td', { text: m.unit || '' }),
      bs.el('td', { class: 'muted', text: m.path }),
      bs.el('td', { class: cls, text }));
  });
  tbody.replaceChildren(...(rows.length ? rows
    : [bs.el('tr', {}, bs.el('td', { colspan: 5, class: 'muted', text: '还没有材料。点上面的按钮新建一份。' }))]));
}

// A Word file already in the folder opens through the same import.
async function openDocx(path) {
  const msg = document.getElementById('message');
  const fd = new FormData();
  fd.append('path', path);
  try {
    const r = await bs.api('POST', '/api/import', fd);
    sessionStorage.setItem('import-notes:' + r.path, JSON.stringify(r.notes || []));
    location.href = '/edit?path=' + encodeURIComponent(r.path);
  } catch (e) {
    msg.replaceChildren(bs.el('div', { class: 'notice err', text: e.message }));
  }
}

async function schoolPanel() {
  const s = bs.session;
  if (!s || s.role !== 'school') return;
  document.getElementById('school').hidden = false;
  document.getElementById('who').textContent = s.unit;
  const out = document.getElementById('logout');
  out.hidden = false;
  out.onclick = async () => { await bs.api('POST', '/api/logout'); location.href = '/login'; };
  const [subs, due] = await Promise.all([bs.api('GET', '/api/submissions'), bs.api('GET', '/api/deadlines')]);
  document.getElementById('deadlines').replaceChildren(...due.items.map((d) =>
    bs.el('div', { class: 'notice ' + (d.state === 'missing-late' ? 'err' : d.state === 'missing' ? 'warn' : 'ok'), text: d.text })));
  const tbody = document.querySelector('#sent tbody');
  tbody.replaceChildren(...subs.map((x) => bs.el('tr', {},
    bs.el('td', { text: x.title }), bs.el('td', { text: bs.typeLabels[x.type] || x.type }),
    bs.el('td', { text: x.submitted_at }),
    bs.el('td', { class: x.errors ? 'err' : x.warnings ? 'warn' : 'ok',
      text: x.errors ? x.errors + ' 个错误' : x.warnings ? x.warnings + ' 个警告' : '符合要求' }))));
  if (!subs.length) tbody.append(bs.el('tr', {}, bs.el('td', { colspan: 4, class: 'muted', text: '还没有提交材料' })));
}

(async () => {
  await bs.loadSession();
  const drop = document.getElementById('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault(); drop.classList.remove('over');
    if (e.dataTransfer.files.length) importDocx(e.dataTransfer.files[0]);
  });
  document.getElementById('docx-file').addEventListener('change', (e) => {
    if (e.target.files.length) importDocx(e.target.files[0]);
  });
  await Promise.all([listMaterials(), schoolPanel().catch((e) => {
    document.getElementById('message').replaceChildren(bs.el('div', { class: 'notice err', text: e.message }));
  })]);
})();
