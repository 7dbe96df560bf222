// appeal serve: the page's script. It writes the case file (TOML) from the form, asks the
// server for the draft, and shows the letter, the problems at their fields, the deadlines and
// the arguments. Nothing here talks to anything but the server that sent it.
'use strict';

(function () {
  const form = document.getElementById('form');
  const statusEl = document.getElementById('preview-status');
  const saveStatus = document.getElementById('save-status');
  const caseName = document.getElementById('case-name');
  let previewTimer = null;
  let sequence = 0;
  let lastDraft = null;
  let lastSaved = null;
  let loading = false;

  // ---- TOML writing ----

  function escapeChars(s, multiline) {
    return s.replace(/[\\"\u0000-\u001f\u007f]/g, function (c) {
      switch (c) {
        case '\\': return '\\\\';
        case '"': return '\\"';
        case '\n': return multiline ? '\n' : '\\n';
        case '\t': return '\\t';
        case '\r': return '\\r';
        default: return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
      }
    });
  }
  function str(s) { return '"' + escapeChars(s, false) + '"'; }
  function prose(s) { return s.indexOf('\n') < 0 ? str(s) : '"""\n' + escapeChars(s, true) + '"""'; }
  function lines(s) {
    return s.replace(/\r\n/g, '\n').split('\n').map(function (l) { return l.trim(); }).filter(Boolean);
  }
  function array(items) { return '[' + items.map(str).join(', ') + ']'; }

  // The TOML value of one input, or null when it is empty.
  function tomlValue(el) {
    const type = el.dataset.type;
    if (type === 'choices') {
      const checked = Array.from(el.querySelectorAll('input:checked')).map(function (i) { return i.value; });
      return checked.length ? array(checked) : null;
    }
    const raw = el.value.replace(/\r\n/g, '\n');
    const text = raw.trim();
    if (!text) return null;
    switch (type) {
      case 'prose': return prose(text);
      case 'date': return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : str(text);
      case 'bool': return text === 'true' || text === 'false' ? text : str(text);
      case 'int': return /^\d{1,9}$/.test(text) ? String(Number(text)) : str(text);
      case 'lines': return array(lines(raw));
      case 'one-or-more': {
        const l = lines(raw);
        return l.length === 1 ? str(l[0]) : array(l);
      }
      default: return str(text);
    }
  }

  function fieldLines(container, attribute) {
    const out = [];
    container.querySelectorAll('[' + attribute + ']').forEach(function (el) {
      if (el.closest('[data-row]') !== (container.matches('[data-row]') ? container : null)) return;
      const v = tomlValue(el);
      if (v !== null) out.push(el.getAttribute(attribute).split('.').pop() + ' = ' + v);
    });
    return out;
  }

  // The case file the form describes.
  function caseToml() {
    const out = ['schema = 1'];
    form.querySelectorAll('[data-field-root]').forEach(function (root) {
      const table = root.dataset.fieldRoot;
      if (root.classList.contains('rows')) {
        rowsOf(root).forEach(function (row) {
          out.push('', '[[' + table + ']]');
          fieldLines(row, 'data-key').forEach(function (l) { out.push(l); });
        });
      } else {
        const body = fieldLines(root, 'data-path');
        if (body.length) out.push('', '[' + table + ']', ...body);
      }
    });
    return out.join('\n') + '\n';
  }

  // ---- rows ----

  function rowsOf(root) { return Array.from(root.querySelector('.row-list').children); }

  function renumber(root) {
    const prefix = root.dataset.rows.replace(/\./g, '-');
    const pattern = new RegExp('^' + prefix.replace(/[-]/g, '\\-') + '-(\\d+|__N__)-');
    rowsOf(root).forEach(function (row, n) {
      row.querySelector('.row-number').textContent = String(n + 1);
      row.querySelectorAll('[id], [for], [aria-describedby]').forEach(function (el) {
        ['id', 'for', 'aria-describedby'].forEach(function (a) {
          const v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.split(' ').map(function (id) { return id.replace(pattern, prefix + '-' + n + '-'); }).join(' '));
        });
      });
      const remove = row.querySelector('.remove-row');
      remove.setAttribute('aria-label', remove.textContent.trim() + ' ' + (n + 1));
    });
  }

  function addRow(root) {
    const template = root.querySelector('template');
    const row = template.content.firstElementChild.cloneNode(true);
    root.querySelector('.row-list').appendChild(row);
    renumber(root);
    return row;
  }

  form.addEventListener('click', function (event) {
    const add = event.target.closest('.add-row');
    if (add) {
      const root = add.closest('.rows');
      const row = addRow(root);
      const first = row.querySelector('input, select, textarea');
      if (first) first.focus();
      changed();
      return;
    }
    const remove = event.target.closest('.remove-row');
    if (remove) {
      const root = remove.closest('.rows');
      remove.closest('[data-row]').remove();
      renumber(root);
      root.querySelector('.add-row').focus();
      changed();
    }
  });

  // ---- filling the form from a case file ----

  function at(values, path) {
    return path.split('.').reduce(function (v, k) { return v && typeof v === 'object' ? v[k] : undefined; }, values);
  }

  function setValue(el, v) {
    const type = el.dataset.type;
    if (type === 'choices') {
      const wanted = (Array.isArray(v) ? v : v == null ? [] : [v]).map(normalise);
      el.querySelectorAll('input').forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
      return;
    }
    let text = v == null ? '' : Array.isArray(v) ? v.map(String).join('\n') : String(v);
    if (type === 'choice' && text) {
      text = normalise(text);
      if (!Array.from(el.options).some(function (o) { return o.value === text; })) {
        const o = document.createElement('option');
        o.value = text;
        o.textContent = text;
        el.appendChild(o);
      }
    }
    el.value = text;
  }

  function normalise(v) { return String(v).trim().toLowerCase().replace(/[ _]/g, '-'); }

  function fill(values) {
    form.querySelectorAll('[data-field-root]').forEach(function (root) {
      const table = root.dataset.fieldRoot;
      if (root.classList.contains('rows')) {
        root.querySelector('.row-list').replaceChildren();
        const items = at(values, table);
        (Array.isArray(items) ? items : []).forEach(function (item) {
          const row = addRow(root);
          row.querySelectorAll('[data-key]').forEach(function (el) { setValue(el, item ? item[el.dataset.key] : null); });
        });
      } else {
        root.querySelectorAll('[data-path]').forEach(function (el) {
          if (el.closest('[data-row]')) return;
          setValue(el, at(values, el.dataset.path));
        });
      }
    });
    form.querySelectorAll('details.section').forEach(function (d) {
      if (Array.from(d.querySelectorAll('[data-path], [data-key]')).some(function (el) { return tomlValue(el) !== null; })) d.open = true;
    });
  }

  async function openText(text) {
    const answer = await api('/api/open', { method: 'POST', body: text });
    if (!answer.ok) return failed(answer);
    const opened = await answer.json();
    const leftOut = document.getElementById('left-out');
    if (opened.values === null) {
      showProblems(opened.problems);
      setStatus('That file is not a case file this page can read; see What to fix.');
      return;
    }
    loading = true;
    fill(opened.values);
    loading = false;
    if (opened.left_out.length) {
      leftOut.textContent = 'This file has fields the form does not show, and they will not be saved from here: ' + opened.left_out.join(', ') + '.';
      leftOut.hidden = false;
    } else {
      leftOut.hidden = true;
    }
    changed();
  }

  // ---- talking to the server ----

  function api(url, options) {
    const o = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
    if (o.body !== undefined) o.headers['Content-Type'] = 'application/toml; charset=utf-8';
    return fetch(url, o);
  }

  async function failed(response) {
    let message = 'The server answered ' + response.status + '.';
    try {
      const type = response.headers.get('Content-Type') || '';
      if (type.indexOf('json') >= 0) {
        const body = await response.json();
        showProblems(body.problems || []);
        message = 'This could not be made; see What to fix.';
      } else {
        message = (await response.text()).trim() || message;
      }
    } catch (e) { /* keep the status message */ }
    setStatus(message);
  }

  function setStatus(text) { statusEl.textContent = text; }

  function changed() {
    if (loading) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 300);
  }

  async function preview() {
    const mine = ++sequence;
    const toml = caseToml();
    let response;
    try {
      response = await api('/api/draft', { method: 'POST', body: toml });
    } catch (e) {
      setStatus('The preview could not reach the server. Is appeal serve still running?');
      return;
    }
    if (mine !== sequence) return;
    if (!response.ok) return failed(response);
    const draft = await response.json();
    if (mine !== sequence) return;
    lastDraft = draft;
    showDraft(draft);
  }

  // ---- showing the draft ----

  function element(tag, text, className) {
    const el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function showDraft(draft) {
    const errors = draft.problems.filter(function (p) { return p.severity === 'error'; }).length;
    const warnings = draft.problems.length - errors;
    const plural = function (n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); };
    if (!draft.drafted) {
      setStatus('The letter cannot be drafted until ' + plural(errors, 'problem') + (errors === 1 ? ' is' : ' are') + ' fixed; see What to fix.');
    } else if (draft.ready) {
      setStatus('Preview updated. Ready to send' + (warnings ? ', after reading ' + plural(warnings, 'warning') : '') + '.');
    } else {
      setStatus('Preview updated. ' + plural(errors, 'problem') + ' to fix before sending' + (warnings ? ', ' + plural(warnings, 'warning') : '') + '.');
    }
    const letter = document.getElementById('letter');
    const stale = document.getElementById('stale-note');
    showProblems(draft.problems);
    if (draft.drafted) {
      letter.innerHTML = draft.html || '';
      letter.classList.remove('stale');
      stale.hidden = true;
      showDeadlines(draft.deadlines);
      showExplain(draft.explain);
    } else if (letter.textContent.trim()) {
      // Keep the last letter that could be drafted, marked as not up to date.
      letter.classList.add('stale');
      stale.hidden = false;
    }
  }

  function clearProblems() {
    form.querySelectorAll('.problem').forEach(function (p) { p.hidden = true; p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
  }

  // The input a dotted field names, or the nearest group that holds it.
  function locate(field) {
    if (!field) return null;
    const roots = Array.from(form.querySelectorAll('.rows'));
    for (const root of roots) {
      const table = root.dataset.rows;
      if (field === table) return { group: root };
      if (field.indexOf(table + '.') === 0) {
        const rest = field.slice(table.length + 1).split('.');
        const row = rowsOf(root)[Number(rest[0])];
        const input = row && rest[1] ? row.querySelector('[data-key="' + CSS.escape(rest[1]) + '"]') : null;
        return input ? { input: input } : { group: root };
      }
    }
    let path = field;
    while (path) {
      const input = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
      if (input) return { input: input };
      const group = form.querySelector('[data-problem-for="' + CSS.escape(path) + '"]');
      if (group) return { group: group.parentElement };
      path = path.indexOf('.') >= 0 ? path.slice(0, path.lastIndexOf('.')) : '';
    }
    return null;
  }

  // Where a problem is, in the form's words: "The patient: Date of birth", "Treatments so
  // far, Treatment 2: Ended".
  function describe(p, place) {
    if (!place) return p.field ? p.field : p.line ? 'line ' + p.line : 'the case';
    const target = place.input || place.group;
    const section = target.closest('details.section');
    const parts = [];
    if (section) parts.push(section.querySelector('summary').textContent.trim());
    const row = target.closest('[data-row]');
    if (row) parts.push(row.querySelector('legend').textContent.replace(/\s+/g, ' ').trim());
    if (place.input) {
      const label = place.input.matches('fieldset')
        ? place.input.querySelector('legend')
        : form.querySelector('label[for="' + CSS.escape(place.input.id) + '"]');
      if (label) parts.push(label.textContent.replace('*', '').replace('(required)', '').trim());
    }
    return parts.join(': ') || p.field;
  }

  function problemText(p) {
    return (p.severity === 'warning' ? 'Warning: ' : '') + p.message + (p.hint ? ' — ' + p.hint : '');
  }

  function showProblems(problems) {
    clearProblems();
    const list = document.getElementById('problems');
    list.replaceChildren();
    if (!problems.length) list.appendChild(element('li', 'Nothing to fix.', 'ok'));
    problems.forEach(function (p) {
      const place = locate(p.field);
      const item = element('li', null, p.severity);
      const where = describe(p, place);
      if (place) {
        const target = place.input || place.group;
        const slot = place.input
          ? document.getElementById(place.input.id + '-problem')
          : place.group.querySelector(':scope > .group-problem');
        if (slot) {
          slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + problemText(p);
          slot.hidden = false;
        }
        if (place.input && p.severity === 'error') place.input.setAttribute('aria-invalid', 'true');
        const go = element('button', where, 'link');
        go.type = 'button';
        go.addEventListener('click', function () {
          const details = target.closest('details');
          if (details) details.open = true;
          const focusable = place.input && place.input.matches('fieldset') ? place.input.querySelector('input') : place.input;
          (focusable || target).scrollIntoView({ block: 'center' });
          if (focusable) focusable.focus();
        });
        item.appendChild(go);
        item.appendChild(document.createTextNode(': ' + problemText(p)));
      } else {
        item.textContent = where + ': ' + problemText(p);
      }
      list.appendChild(item);
    });
  }

  function showDeadlines(report) {
    const box = document.getElementById('deadlines');
    box.replaceChildren();
    if (!report) {
      box.appendChild(element('p', 'No deadlines are recorded for this plan type; use the dates on your denial notice.'));
      return;
    }
    const list = element('ul', null, 'deadline-list');
    report.items.forEach(function (d) {
      const item = element('li');
      let when = 'no verified date: use the date on your denial notice';
      if (d.date) {
        const s = d.status || {};
        when = d.date;
        if (s.status === 'upcoming' || s.days_left !== undefined) when += ' (in ' + s.days_left + ' day' + (s.days_left === 1 ? '' : 's') + ')';
        else if (s.days_ago !== undefined) when += ' (passed ' + s.days_ago + ' day' + (s.days_ago === 1 ? '' : 's') + ' ago)';
      }
      item.appendChild(element('strong', d.label + ': ' + when));
      item.appendChild(element('p', d.basis));
      item.appendChild(element('p', 'Rule: ' + d.citation + ' [' + d.tag + ']', 'citation'));
      list.appendChild(item);
    });
    box.appendChild(list);
    report.notes.forEach(function (n) { box.appendChild(element('p', n, 'note-small')); });
  }

  function showExplain(explain) {
    const box = document.getElementById('explain');
    box.replaceChildren();
    if (!explain) return;
    const used = explain.blocks.filter(function (b) { return b.selected; });
    const skipped = explain.blocks.filter(function (b) { return !b.selected; });
    [['Used in the letter', used], ['Left out', skipped]].forEach(function (pair) {
      box.appendChild(element('h4', pair[0] + ' (' + pair[1].length + ')'));
      const list = element('ul', null, 'explain-list');
      pair[1].forEach(function (b) {
        const item = element('li');
        item.appendChild(element('strong', b.title));
        item.appendChild(document.createTextNode(' (' + b.id + '): ' + b.reason));
        if (b.missing && b.missing.length) item.appendChild(element('p', 'Missing: ' + b.missing.join(', '), 'note-small'));
        list.appendChild(item);
      });
      box.appendChild(list);
    });
  }

  // ---- downloads ----

  function save(blob, fileName) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function fileStem() {
    const name = caseName.value.trim().replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
    return name || 'letter';
  }

  document.querySelectorAll('[data-download]').forEach(function (button) {
    button.addEventListener('click', async function () {
      const what = button.dataset.download;
      if (what === 'md') {
        if (!lastDraft || !lastDraft.markdown) return setStatus('There is no letter yet to download; see What to fix.');
        save(new Blob([lastDraft.markdown], { type: 'text/markdown' }), fileStem() + '.md');
        return;
      }
      setStatus('Preparing the ' + button.textContent.replace(/^Download |^Add /, '') + '…');
      const response = await api('/api/' + what + '?name=' + encodeURIComponent(fileStem()), { method: 'POST', body: caseToml() });
      if (!response.ok) return failed(response);
      const disposition = response.headers.get('Content-Disposition') || '';
      const match = /filename="([^"]+)"/.exec(disposition);
      save(await response.blob(), match ? match[1] : fileStem());
      setStatus('Downloaded ' + (match ? match[1] : 'the file') + '.');
    });
  });

  document.getElementById('save-file').addEventListener('click', function () {
    save(new Blob([caseToml()], { type: 'application/toml' }), fileStem() + '.toml');
  });

  // ---- opening ----

  document.getElementById('open-file').addEventListener('change', async function (event) {
    const file = event.target.files[0];
    if (!file) return;
    if (file.size > 16 * 1024 * 1024) return setStatus('That file is too large to be a case file.');
    caseName.value = file.name.replace(/\.toml$/i, '').replace(/[^A-Za-z0-9 ._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'my-case';
    await openText(await file.text());
  });

  document.getElementById('load-example').addEventListener('click', async function () {
    const name = document.getElementById('example').value;
    if (!name) return setStatus('Choose an example first.');
    const response = await api('/api/examples/' + encodeURIComponent(name));
    if (!response.ok) return failed(response);
    caseName.value = name;
    await openText(await response.text());
  });

  document.getElementById('open-saved').addEventListener('click', async function () {
    const name = document.getElementById('saved-cases').value;
    if (!name) return setStatus('Choose a saved case first.');
    const response = await api('/api/cases/' + encodeURIComponent(name));
    if (!response.ok) return failed(response);
    caseName.value = name;
    await openText(await response.text());
  });

  // ---- autosave ----

  function validName(name) {
    return /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name) && name.indexOf('..') < 0 && !/[ .]$/.test(name);
  }

  async function autosave() {
    const name = caseName.value.trim();
    const toml = caseToml();
    if (toml === lastSaved) return;
    if (!validName(name)) {
      saveStatus.textContent = 'Not saved: a case name is letters, digits, spaces, - _ and . (up to 64).';
      return;
    }
    try {
      const response = await api('/api/cases/' + encodeURIComponent(name), { method: 'PUT', body: toml });
      if (response.ok) {
        lastSaved = toml;
        saveStatus.textContent = 'Saved as ' + name + ' at ' + new Date().toLocaleTimeString();
        listSaved();
      } else {
        saveStatus.textContent = 'Not saved: ' + (await response.text()).trim();
      }
    } catch (e) {
      saveStatus.textContent = 'Not saved: the server cannot be reached.';
    }
  }

  async function listSaved() {
    const response = await api('/api/cases');
    if (!response.ok) return [];
    const saved = await response.json();
    const select = document.getElementById('saved-cases');
    const chosen = select.value;
    select.replaceChildren(element('option', 'Saved cases…'));
    select.firstChild.value = '';
    saved.forEach(function (s) {
      const o = element('option', s.name);
      o.value = s.name;
      select.appendChild(o);
    });
    select.value = chosen;
    return saved;
  }

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  caseName.addEventListener('change', function () { lastSaved = null; });

  // Start: reopen the most recently saved case, so closing the tab loses nothing.
  (async function start() {
    const saved = await listSaved();
    if (saved.length) {
      const response = await api('/api/cases/' + encodeURIComponent(saved[0].name));
      if (response.ok) {
        caseName.value = saved[0].name;
        const text = await response.text();
        await openText(text);
        lastSaved = caseToml();
      }
    } else {
      preview();
    }
    setInterval(autosave, 3000);
  })();
})();
