// Shared by every page: the session (its CSRF token) and JSON requests.
'use strict';

const bs = {
  session: null,

  async loadSession() {
    const r = await fetch('/api/session', { credentials: 'same-origin' });
    bs.session = r.ok ? await r.json() : null;
    return bs.session;
  },

  // A request to our API. State-changing requests carry the session's
  // token; errors come back as Chinese messages.
  async api(method, url, body) {
    const opts = { method, credentials: 'same-origin', headers: {} };
    if (method !== 'GET') {
      opts.headers['X-CSRF-Token'] = bs.session ? bs.session.csrf : '';
    }
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(url, opts);
    } catch (e) {
      throw new Error('无法连接服务，请确认 baosong 仍在运行（或文件太大被拒绝）');
    }
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!r.ok) {
      const msg = (data && data.error) || ('请求失败（' + r.status + '）');
      const err = new Error(msg);
      err.status = r.status;
      throw err;
    }
    return data;
  },

  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },

  typeLabels: {
    case: '案例/故事', plan: '工作方案', media: '媒体报道', summary: '活动周总结', highlights: '特色亮点活动一览表',
  },

  statusText(m) {
    if (m.readable === false) return ['无法读取', 'err'];
    if (m.errors > 0) return [m.errors + ' 个错误' + (m.warnings ? '，' + m.warnings + ' 个警告' : ''), 'err'];
    if (m.warnings > 0) return [m.warnings + ' 个警告', 'warn'];
    return ['符合要求', 'ok'];
  },
};
