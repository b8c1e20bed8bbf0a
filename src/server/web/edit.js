// The workbench form: fields from the TOML contract, photos, a live page
// preview and the notice's checks beside the text. Every check and every
// page comes from the server, which runs the command line's pipeline.
'use strict';

const state = {
  type: 'case',
  path: null,        // the saved material, relative to the folder
  schema: null,      // this type's fields
  draft: (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)),
  dirty: false,
  seq: 0,
  inflight: null,
  photos: [],        // {path, caption, file, diagnostics}
  timer: null,
};

const $ = (sel, root) => (root || document).querySelector(sel);
const form = () => document.getElementById('form');
const materialDir = () => (state.path && state.path.includes('/') ? state.path.slice(0, state.path.lastIndexOf('/')) : '');
const draftKey = () => 'baosong-draft:' + (state.path || 'new:' + state.type);

function message(text, cls) {
  const m = document.getElementById('message');
  m.replaceChildren(...(text ? [bs.el('div', { class: 'notice ' + (cls || '') }, text)] : []));
}

// ---- building the form ----------------------------------------------

function control(f, value) {
  const v = value === undefined || value === null ? '' : value;
  if (f.kind === 'text') {
    return bs.el('textarea', { name: f.name, spellcheck: 'false' }, String(v));
  }
  if (f.options) {
    const sel = bs.el('select', { name: f.name });
    if (!f.required) sel.append(bs.el('option', { value: '' }, '（不填）'));
    for (const o of f.options) sel.append(bs.el('option', { value: o, selected: o === v }, o));
    return sel;
  }
  if (f.kind === 'int') return bs.el('input', { type: 'number', name: f.name, value: v, step: 1, min: 0 });
  if (f.kind === 'date') return bs.el('input', { type: 'date', name: f.name, value: v });
  if (f.kind === 'bool') return bs.el('input', { type: 'checkbox', name: f.name, checked: v === true });
  if (f.kind === 'list') {
    return bs.el('input', { type: 'text', name: f.name, value: Array.isArray(v) ? v.join('、') : v, placeholder: '用顿号“、”隔开' });
  }
  return bs.el('input', { type: 'text', name: f.name, value: v });
}

function fieldBox(f, value, path) {
  const id = 'f-' + path.replace(/\./g, '-');
  const c = control(f, value);
  c.id = id;
  return bs.el('div', { class: 'field', 'data-field': path },
    bs.el('label', { for: id }, f.label + (f.required ? '' : '（可不填）')),
    f.hint ? bs.el('div', { class: 'hint', text: f.hint }) : null,
    c);
}

function recordBox(f, item, index, path) {
  const box = bs.el('div', { class: 'record', 'data-index': index });
  for (const s of f.fields) box.append(fieldBox(s, item ? item[s.name] : undefined, path + '.' + index + '.' + s.name));
  box.append(bs.el('button', { type: 'button', onclick: () => { box.remove(); renumber(path); changed(); } }, '删除这一项'));
  return box;
}

function renumber(path) {
  const fs = document.querySelector('fieldset[data-key="' + path + '"]');
  if (!fs) return;
  fs.querySelectorAll(':scope > .record').forEach((r, i) => {
    r.dataset.index = i;
    r.querySelectorAll(':scope > .field').forEach((fd) => {
      const name = fd.dataset.field.split('.').pop();
      fd.dataset.field = path + '.' + i + '.' + name;
    });
  });
}

function recordsBox(f, items, path) {
  const fs = bs.el('fieldset', { 'data-key': path }, bs.el('legend', {}, f.label));
  if (f.hint) fs.append(bs.el('div', { class: 'hint', text: f.hint }));
  (items || []).forEach((it, i) => fs.append(recordBox(f, it, i, path)));
  const add = bs.el('button', {
    type: 'button',
    onclick: () => { add.before(recordBox(f, {}, fs.querySelectorAll(':scope > .record').length, path)); changed(); },
  }, '添加一项');
  fs.append(add);
  return fs;
}

function tableBox(f, value, path) {
  const fs = bs.el('fieldset', { 'data-key': path }, bs.el('legend', {}, f.label));
  for (const s of f.fields) {
    const v = value ? value[s.name] : undefined;
    fs.append(s.kind === 'records' ? recordsBox(s, v, path + '.' + s.name) : fieldBox(s, v, path + '.' + s.name));
  }
  return fs;
}

function photosBox(f, items) {
  const name = f.name; // photos, or a media report's images
  state.photoKey = name;
  state.photos = (items || []).map((p) => ({ path: p.path || '', caption: p.caption || '', diagnostics: [] }));
  const input = bs.el('input', { type: 'file', name: 'photos', multiple: true, accept: 'image/jpeg,image/*,.heic' });
  input.addEventListener('change', () => { upload(input.files, 'photos'); input.value = ''; });
  const zone = bs.el('div', { class: 'dropzone' }, '把照片拖到这里，或 ', input);
  zone.addEventListener('dragover', (e) => { e.preventDefault(); e.stopPropagation(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault(); e.stopPropagation(); zone.classList.remove('over');
    upload(e.dataTransfer.files, 'photos');
  });
  return bs.el('fieldset', { 'data-key': name },
    bs.el('legend', {}, f.label),
    f.hint ? bs.el('div', { class: 'hint', text: f.hint }) : null,
    bs.el('div', { class: 'hint', text: '照片要求：JPG 格式，宽度不低于 2000 像素，单张不小于 2 MB，每张都配文字说明。' }),
    zone,
    bs.el('div', { class: 'photos', id: 'photo-cards' }));
}

// Cards are rebuilt only when the photos change; a check result only
// updates their lists, so a caption being typed keeps its focus.
function renderPhotos() {
  const box = document.getElementById('photo-cards');
  if (!box) return;
  const key = state.photos.map((p) => p.path).join('\n');
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren(...state.photos.map((p, i) => {
      const file = (materialDir() ? materialDir() + '/' : '') + p.path;
      const caption = bs.el('input', { type: 'text', name: 'caption', value: p.caption, placeholder: '照片的文字说明' });
      caption.addEventListener('input', () => { p.caption = caption.value; changed(); });
      return bs.el('div', { class: 'photo', 'data-photo': i },
        bs.el('img', { src: '/api/thumb?path=' + encodeURIComponent(file), alt: p.path }),
        bs.el('div', { class: 'name', text: p.path }),
        caption,
        bs.el('ul', {}),
        bs.el('button', { type: 'button', onclick: () => { state.photos.splice(i, 1); renderPhotos(); changed(); } }, '移除'));
    }));
  }
  state.photos.forEach((p, i) => {
    const card = box.querySelector('.photo[data-photo="' + i + '"]');
    if (!card) return;
    card.classList.toggle('bad', p.diagnostics.some((d) => d.severity === 'error'));
    card.querySelector('ul').replaceChildren(...p.diagnostics.map((d) =>
      bs.el('li', { class: d.severity === 'error' ? 'err' : 'warn', 'data-code': d.code }, d.message)));
  });
}

function videosBox(f, items) {
  const fs = recordsBox(f, items, f.name);
  const input = bs.el('input', { type: 'file', name: 'videos', multiple: true, accept: 'video/mp4' });
  input.addEventListener('change', () => { upload(input.files, 'videos'); input.value = ''; });
  fs.insertBefore(bs.el('div', { class: 'hint' }, '上传 mp4 视频：', input), fs.querySelector('legend').nextSibling);
  return fs;
}

function buildForm(values) {
  const f = form();
  f.replaceChildren();
  for (const field of state.schema.fields) {
    const v = values[field.name];
    if (field.name === 'photos' || field.name === 'images') f.append(photosBox(field, v));
    else if (field.name === 'videos') f.append(videosBox(field, v));
    else if (field.kind === 'records') f.append(recordsBox(field, v, field.name));
    else if (field.kind === 'table') f.append(tableBox(field, v, field.name));
    else f.append(fieldBox(field, v, field.name));
  }
  renderPhotos();
  if (bs.session && bs.session.role === 'school') {
    const unit = f.querySelector('[name=unit]');
    if (unit) { unit.value = bs.session.unit; unit.readOnly = true; }
  }
  f.addEventListener('input', changed);
  f.addEventListener('change', changed);
}

// ---- reading the form back -------------------------------------------

function readField(f, root, path) {
  if (f.kind === 'records') {
    if (f.name === 'photos' || f.name === 'images') {
      return state.photos.map((p) => (p.caption ? { path: p.path, caption: p.caption } : { path: p.path, caption: '' }));
    }
    const fs = root.querySelector('fieldset[data-key="' + path + '"]');
    if (!fs) return [];
    return [...fs.querySelectorAll(':scope > .record')].map((r, i) => {
      const o = {};
      for (const s of f.fields) o[s.name] = readField(s, r, path + '.' + i + '.' + s.name);
      return o;
    });
  }
  if (f.kind === 'table') {
    const o = {};
    for (const s of f.fields) o[s.name] = readField(s, root, path + '.' + s.name);
    return o;
  }
  const box = root.querySelector('.field[data-field="' + path + '"]') || root.querySelector('[data-field$=".' + f.name + '"]');
  const c = box ? box.querySelector('[name]') : null;
  if (!c) return '';
  if (f.kind === 'bool') return c.checked;
  if (f.kind === 'list') return c.value.split(/[、,，;；\n]/).map((s) => s.trim()).filter(Boolean);
  return c.value;
}

function values() {
  const o = {};
  for (const f of state.schema.fields) o[f.name] = readField(f, form(), f.name);
  return o;
}

// ---- checks and preview ----------------------------------------------

function changed() {
  state.dirty = true;
  try {
    localStorage.setItem(draftKey(), JSON.stringify({ type: state.type, path: state.path, values: values(), photos: state.photos, at: Date.now() }));
  } catch (e) { /* storage full: the server copy still counts */ }
  setStatus('未保存');
  schedule();
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(runPreview, 200);
}

function setStatus(t) { document.getElementById('status').textContent = t; }

async function runPreview() {
  const seq = ++state.seq;
  if (state.inflight) state.inflight.abort();
  const ctl = new AbortController();
  state.inflight = ctl;
  let r;
  try {
    const resp = await fetch('/api/preview', {
      method: 'POST', credentials: 'same-origin', signal: ctl.signal,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': bs.session.csrf },
      body: JSON.stringify({ draft: state.draft, path: state.path, type: state.type, values: values() }),
    });
    r = await resp.json();
    if (!resp.ok) throw new Error(r.error || '检查失败');
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (seq === state.seq) message(e.message, 'err');
    return;
  }
  if (seq !== state.seq) return; // a newer edit is on its way
  applyResult(r);
}

function applyResult(r) {
  const chars = document.getElementById('chars');
  chars.textContent = '字数：' + (r.chars === null || r.chars === undefined ? '—' : r.chars) +
    (state.type === 'case' ? '（要求 800—1500）' : '');
  chars.classList.toggle('bad', r.diagnostics.some((d) => d.code === 'B0101' || d.code === 'B0103'));

  // Problems listed, and marked on their fields and photos.
  const list = document.getElementById('diagnostics');
  document.querySelectorAll('.has-error, .has-warning').forEach((e) => e.classList.remove('has-error', 'has-warning'));
  for (const p of state.photos) p.diagnostics = [];
  const items = r.diagnostics.map((d) => {
    const li = bs.el('li', { 'data-code': d.code, 'data-severity': d.severity, 'data-field': d.field || '' },
      bs.el('span', { class: 'code', text: d.code }), d.message,
      d.hint ? bs.el('span', { class: 'hint', text: '提示：' + d.hint }) : null);
    li.addEventListener('click', () => focusField(d));
    if (d.photo !== null && d.photo !== undefined && state.photos[d.photo]) state.photos[d.photo].diagnostics.push(d);
    const top = d.field ? d.field.split('.')[0] : null;
    const box = d.field && (document.querySelector('.field[data-field="' + d.field + '"]') ||
      document.querySelector('[data-field="' + top + '"]'));
    if (box) box.classList.add(d.severity === 'error' ? 'has-error' : 'has-warning');
    return li;
  });
  list.replaceChildren(...(items.length ? items : [bs.el('li', { class: 'none' }, '符合通知要求')]));
  renderPhotos();

  // Pages: only changed ones reload; the scroll position stays.
  const pv = document.getElementById('preview');
  if (r.layout_error) message('排版出错：' + r.layout_error, 'err');
  if (!r.pages.length) {
    if (!pv.querySelector('.empty')) pv.replaceChildren(bs.el('div', { class: 'empty' }, r.readable ? '没有可以显示的页面' : '改正上面的错误后显示版面'));
    return;
  }
  pv.querySelector('.empty')?.remove();
  const imgs = [...pv.querySelectorAll('img.page')];
  r.pages.forEach((p, i) => {
    let img = imgs[i];
    if (!img) {
      img = bs.el('img', { class: 'page', alt: '第 ' + (i + 1) + ' 页' });
      pv.append(img);
    }
    if (img.dataset.hash !== p.hash) {
      img.dataset.hash = p.hash;
      img.src = p.url;
    }
  });
  imgs.slice(r.pages.length).forEach((img) => img.remove());
}

function focusField(d) {
  if (!d.field) return;
  const parts = d.field.split('.');
  let el = null;
  if ((parts[0] === 'photos' || parts[0] === 'images') && parts.length > 1) {
    const card = document.querySelector('.photo[data-photo="' + parts[1] + '"]');
    el = card && card.querySelector('[name=caption]');
  } else {
    const box = document.querySelector('.field[data-field="' + d.field + '"]') ||
      document.querySelector('[data-field="' + parts[0] + '"]');
    el = box && (box.matches('[name]') ? box : box.querySelector('[name]'));
  }
  if (!el) return;
  el.focus();
  if (el.tagName === 'TEXTAREA' && d.offset !== null && d.offset !== undefined) {
    el.setSelectionRange(d.offset, Math.min(d.offset + 1, el.value.length));
    // Bring the line into view: lines before the offset × line height.
    const before = el.value.slice(0, d.offset).split('\n').length - 1;
    const lh = parseFloat(getComputedStyle(el).lineHeight) || 24;
    el.scrollTop = Math.max(0, before * lh - el.clientHeight / 3);
  }
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

// ---- uploads -----------------------------------------------------------

// The server's limits replace these when the page starts (/api/schema).
const LIMITS = { photos: 50, videos: 250, docx: 100 };

async function upload(files, kind) {
  const list = [...files];
  if (!list.length) return;
  const fd = new FormData();
  fd.append('dir', materialDir());
  for (const f of list) {
    const docx = kind === 'photos' && /\.docx$/i.test(f.name);
    const limit = LIMITS[docx ? 'docx' : kind];
    if (f.size > limit * 1024 * 1024) {
      message(f.name + ' 超过 ' + limit + ' MB 的上传限制，没有上传', 'err');
      return;
    }
    if (docx) { importDocx(f); return; }
    fd.append(kind, f, f.name);
  }
  message('正在上传 ' + list.length + ' 个文件……');
  try {
    const r = await bs.api('POST', '/api/photos', fd);
    for (const f of r.files) {
      if (f.kind === 'photos') {
        if (!state.photos.some((p) => p.path === f.path)) state.photos.push({ path: f.path, caption: '', diagnostics: f.diagnostics });
      } else {
        const fs = document.querySelector('fieldset[data-key=videos]');
        const field = state.schema.fields.find((x) => x.name === 'videos');
        const add = fs.querySelector(':scope > button:last-of-type');
        add.before(recordBox(field, { path: f.path, caption: '' }, fs.querySelectorAll(':scope > .record').length, 'videos'));
      }
    }
    message('');
    renderPhotos();
    changed();
  } catch (e) {
    message(e.message, 'err');
  }
}

async function importDocx(file) {
  message('正在转换 ' + file.name + '……');
  const fd = new FormData();
  fd.append('file', file, file.name);
  try {
    const r = await bs.api('POST', '/api/import', fd);
    sessionStorage.setItem('import-notes:' + r.path, JSON.stringify(r.notes || []));
    location.href = '/edit?path=' + encodeURIComponent(r.path);
  } catch (e) {
    message(e.message, 'err');
  }
}

// ---- saving, downloads, submitting -----------------------------------

async function save() {
  const btn = document.getElementById('save');
  btn.disabled = true;
  try {
    const r = await bs.api('POST', '/api/save', { path: state.path, type: state.type, values: values() });
    const old = draftKey();
    state.path = r.path;
    state.dirty = false;
    localStorage.removeItem(old);
    localStorage.removeItem(draftKey());
    history.replaceState(null, '', '/edit?path=' + encodeURIComponent(r.path));
    setStatus('已保存：' + r.path);
    enableDownloads();
    return true;
  } catch (e) {
    message('保存失败：' + e.message, 'err');
    return false;
  } finally {
    btn.disabled = false;
  }
}

function enableDownloads() {
  for (const kind of ['docx', 'pdf']) {
    const a = document.getElementById('download-' + kind);
    a.href = '/api/download/' + kind + '?path=' + encodeURIComponent(state.path);
    a.classList.remove('disabled');
    a.removeAttribute('aria-disabled');
  }
}

function wireDownloads() {
  for (const kind of ['docx', 'pdf']) {
    document.getElementById('download-' + kind).addEventListener('click', async (e) => {
      if (!state.path || state.dirty) {
        e.preventDefault();
        // The downloads are the saved file's outputs: save first.
        if (await save()) location.href = document.getElementById('download-' + kind).href;
      }
    });
  }
}

async function submit() {
  if ((!state.path || state.dirty) && !(await save())) return;
  try {
    const r = await bs.api('POST', '/api/submit', { path: state.path });
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    message(n ? '已提交，但有 ' + n + ' 个错误，请改正后重新提交（以最后一次提交为准）'
      : '已提交，检查符合要求。可以在首页查看报送情况。', n ? 'warn' : 'ok');
  } catch (e) {
    message('提交失败：' + e.message, 'err');
  }
}

// ---- start -------------------------------------------------------------

(async () => {
  await bs.loadSession();
  if (!bs.session) { location.href = '/login'; return; }
  const schema = await bs.api('GET', '/api/schema');
  Object.assign(LIMITS, schema.limits || {});
  const params = new URLSearchParams(location.search);
  let vals = {};
  if (location.pathname.startsWith('/new/')) {
    state.type = location.pathname.slice(5) || 'case';
  } else if (params.get('path')) {
    try {
      const m = await bs.api('GET', '/api/material?path=' + encodeURIComponent(params.get('path')));
      state.path = m.path; state.type = m.type; vals = m.values;
      enableDownloads();
    } catch (e) {
      message(e.message, 'err');
      return;
    }
  }
  state.schema = schema.types.find((t) => t.type === state.type);
  if (!state.schema) { message('不支持的材料类型：' + state.type, 'err'); return; }
  document.getElementById('doc-type').textContent = state.schema.label;
  document.title = '报送 · ' + state.schema.label;
  // An unsaved draft in this browser wins over the file: nothing typed is lost.
  const saved = localStorage.getItem(draftKey());
  let restored = false;
  if (saved) {
    try {
      const d = JSON.parse(saved);
      if (d.type === state.type) { vals = d.values; restored = true; }
    } catch (e) { /* an unreadable draft is ignored */ }
  }
  buildForm(vals);
  if (restored) {
    const d = JSON.parse(saved);
    state.photos = (d.photos || []).map((p) => ({ path: p.path, caption: p.caption, diagnostics: [] }));
    renderPhotos();
    state.dirty = true;
    setStatus('未保存');
    const m = document.getElementById('message');
    m.replaceChildren(bs.el('div', { class: 'notice warn' }, '已恢复这台电脑上次未保存的内容。',
      bs.el('button', { type: 'button', onclick: () => { localStorage.removeItem(draftKey()); location.reload(); } }, '放弃这些内容')));
  }
  const notes = state.path && sessionStorage.getItem('import-notes:' + state.path);
  if (notes) {
    const list = JSON.parse(notes);
    if (list.length) {
      document.getElementById('message').append(bs.el('div', { class: 'notice warn' },
        bs.el('strong', {}, '从 Word 文件转换：'),
        ...list.map((d) => bs.el('div', { 'data-code': d.code, 'data-severity': d.severity }, d.code + ' ' + d.message))));
    }
  }
  document.getElementById('save').addEventListener('click', save);
  wireDownloads();
  if (bs.session.role === 'school') {
    const s = document.getElementById('submit');
    s.hidden = false;
    s.addEventListener('click', submit);
  }
  // A Word file dropped anywhere on the page is imported.
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = [...e.dataTransfer.files];
    if (f.length && /\.docx$/i.test(f[0].name)) importDocx(f[0]);
    else if (f.length) upload(f, 'photos');
  });
  window.addEventListener('beforeunload', (e) => { if (state.dirty) { e.preventDefault(); e.returnValue = ''; } });
  runPreview();
})();
