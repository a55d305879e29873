// Certdesk console: plain ES module, no build step. Calls the REST API with the session cookie
// (HttpOnly, set by POST /api/v1/auth/session) and sends the CSRF token with every change.

const state = { me: null, csrf: null, accounts: [], accountId: null, tab: 'certificates' };
const view = () => document.getElementById('view');

class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.code = body.code;
    this.field = body.field;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/v1/auth/session') showSignIn();
    throw new Problem(response.status, json || {});
  }
  return json;
}

// ---------- small DOM helpers ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 3500);
}
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
function when(iso) {
  const date = new Date(iso);
  const days = Math.round((date - Date.now()) / 86_400_000);
  const words = Math.abs(days) < 1 ? relative.format(Math.round((date - Date.now()) / 3_600_000), 'hour') : relative.format(days, 'day');
  return h('span', { title: date.toISOString() }, `${date.toLocaleDateString()} (${words})`);
}
function expiryBadge(iso) {
  const days = (new Date(iso) - Date.now()) / 86_400_000;
  if (days < 0) return h('span', { class: 'badge expired' }, 'expired');
  if (days < 30) return h('span', { class: 'badge soon' }, 'expires soon');
  return null;
}
function short(sha) {
  return h('span', { class: 'mono', title: sha }, sha.slice(0, 16) + '…');
}
function errorText(id) {
  return h('p', { class: 'error', id, role: 'alert' });
}
function showError(id, problem) {
  const el = document.getElementById(id);
  if (el) el.textContent = problem.message;
}
function clearErrors(form) {
  form.querySelectorAll('.error').forEach(e => { e.textContent = ''; });
}
const base = () => `/api/v1/accounts/${encodeURIComponent(state.accountId)}`;
const account = () => state.known.get(state.accountId);

// ---------- session ----------
function showSignIn() {
  state.me = null;
  state.csrf = null;
  document.getElementById('top').hidden = true;
  document.getElementById('sign-in').hidden = false;
  view().replaceChildren();
  document.getElementById('username').focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  try {
    const session = await api('POST', '/api/v1/auth/session', { username: form.username.value, password: form.password.value });
    form.password.value = '';
    await started(session);
  } catch (problem) {
    showError('sign-in-error', problem);
  }
}

async function started(session) {
  state.me = session.user;
  state.csrf = session.csrfToken;
  document.getElementById('sign-in').hidden = true;
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = `${state.me.username} (${state.me.role === 'PLATFORM_ADMIN' ? 'platform admin' : 'admin'})`;
  await loadAccounts();
  route();
}

async function loadAccounts() {
  // the first page in the switcher; a platform with more accounts than a page is searched by name
  const page = await api('GET', '/api/v1/accounts?limit=500');
  state.accounts = page.accounts;
  state.known = new Map(page.accounts.map(a => [a.id, a]));
  state.moreAccounts = !!page.next;
  const search = document.getElementById('account-search');
  search.hidden = !state.moreAccounts;
  if (state.moreAccounts && search.value.trim()) await searchAccounts(search.value);
  else showAccounts(state.accounts);
}

/** The switcher's choices: these accounts, with the one shown now kept first if it is not among them. */
function showAccounts(accounts) {
  const current = state.accountId && state.known.get(state.accountId);
  const shown = current && !accounts.some(a => a.id === current.id) ? [current, ...accounts] : accounts;
  const switcher = document.getElementById('account-switcher');
  switcher.replaceChildren(...shown.map(a => h('option', { value: a.id },
    `${a.name} (${a.type === 'VENDOR' ? 'vendor' : 'customer'})`)));
  if (state.accountId) switcher.value = state.accountId;
}

let searchTurn = 0;
async function searchAccounts(text) {
  const q = text.trim();
  const turn = ++searchTurn;
  if (!q) { showAccounts(state.accounts); return; }
  const found = await api('GET', `/api/v1/accounts?limit=50&q=${encodeURIComponent(q.slice(0, 100))}`);
  if (turn !== searchTurn) return; // a later search answered first
  found.accounts.forEach(a => state.known.set(a.id, a));
  showAccounts(found.accounts);
}

/** The account shown now, read when the switcher's page does not hold it (a search result, a link). */
async function knowAccount(id) {
  if (state.known.has(id)) return;
  try { state.known.set(id, await api('GET', `/api/v1/accounts/${encodeURIComponent(id)}`)); } catch (_) { /* route shows why */ }
}

// ---------- routing: #/a/{accountId}/{tab} ----------
function go(accountId, tab) {
  location.hash = `#/a/${accountId}/${tab}`;
}

function route() {
  if (!state.me) return;
  const match = location.hash.match(/^#\/a\/([^/]+)\/(\w+)$/);
  const fallback = state.me.accountId || (state.accounts[0] && state.accounts[0].id);
  if (!match) {
    if (fallback) go(fallback, 'certificates');
    else view().replaceChildren(h('p', {}, 'No account yet.'), accountsAdmin());
    return;
  }
  state.accountId = decodeURIComponent(match[1]);
  state.tab = match[2];
  if (!state.known.has(state.accountId)) {
    knowAccount(state.accountId).then(() => { if (state.known.has(state.accountId)) route(); else routeTo(); });
    return;
  }
  routeTo();
}

function routeTo() {
  showAccounts(document.getElementById('account-search').value.trim() ? [...document.getElementById('account-switcher').options]
    .map(o => state.known.get(o.value)).filter(Boolean) : state.accounts);
  document.querySelectorAll('nav a').forEach(a => {
    a.href = `#/a/${state.accountId}/${a.dataset.tab}`;
    if (a.dataset.tab === state.tab) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const render = { certificates, expiring, clients, acme, devices, domains, check, audit }[state.tab] || certificates;
  expiringCount();
  render().then(() => performance.mark(`certdesk:${state.tab}`)).catch(problem => {
    view().replaceChildren(h('h1', {}, 'Not available'), h('p', { class: 'error', role: 'alert' },
      problem.status === 404 ? 'This account does not exist or is not visible to you.' : problem.message));
  });
}

// ---------- Certificates tab ----------
async function certificates() {
  const [cas, chains, settings, requests, signed] = await Promise.all([
    api('GET', `${base()}/trusted-cas?limit=500`), api('GET', `${base()}/private-chains`), api('GET', `${base()}/pki-settings`),
    api('GET', `${base()}/private-chains/requests`), api('GET', `${base()}/certificates?limit=100`)]);
  const domainsOfAccount = (account() || {}).domains || [];
  view().replaceChildren(
    h('h1', {}, `Certificates — ${(account() || {}).name || ''}`),
    trustedCaSection(cas.certificates, cas.next),
    chainSection(chains.chains, settings, domainsOfAccount),
    requestsSection(requests.requests, domainsOfAccount),
    devicesSection(signed),
    settingsSection(chains.chains, settings, domainsOfAccount));
}

function trustedCaSection(list, next) {
  const rows = caRows(list);
  const tbody = h('tbody', {}, rows);
  let cursor = next;
  const more = h('button', { type: 'button', class: 'secondary', id: 'more-cas', hidden: !cursor, onclick: async () => {
    try {
      const page = await api('GET', `${base()}/trusted-cas?limit=500&after=${encodeURIComponent(cursor)}`);
      tbody.append(...caRows(page.certificates));
      cursor = page.next;
      more.hidden = !cursor;
    } catch (p) { toast(p.message); }
  } }, 'Show more');
  return trustedCaView(list, tbody, more);
}

function caRows(list) {
  return list.flatMap(c => [h('tr', {},
    h('td', {}, h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': `ca-details-${c.id}`,
      onclick: event => toggle(event.currentTarget, `ca-details-${c.id}`) }, c.subject)), h('td', {}, c.issuer), h('td', {}, when(c.notAfter), expiryBadge(c.notAfter)),
    h('td', {}, short(c.sha256)), h('td', {}, c.isCa ? 'CA' : h('span', { class: 'badge soon' }, 'not a CA')),
    h('td', {},
      h('a', { href: `${base()}/trusted-cas/${c.id}/pem`, download: `${c.id}.pem` }, 'PEM'), ' ',
      h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${c.subject}`, onclick: async () => {
        if (!confirm(`Stop trusting ${c.subject}?`)) return;
        try { await api('DELETE', `${base()}/trusted-cas/${c.id}`); toast('Deleted.'); route(); } catch (p) { toast(p.message); }
      } }, 'Delete'))),
    h('tr', { id: `ca-details-${c.id}`, hidden: true }, h('td', { colspan: '6' }, certificateDetails(c)))]);
}

function trustedCaView(list, tbody, more) {
  const result = h('ul', { id: 'ca-import-result', class: 'result-list', 'aria-live': 'polite' });
  const form = h('form', { id: 'ca-import', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const file = form.querySelector('#ca-file').files[0];
    if (!file) { document.getElementById('ca-file-error').textContent = 'Choose a PEM, DER or PKCS#7 file.'; return; }
    const data = new FormData();
    data.append('file', file);
    try {
      const r = await api('POST', `${base()}/trusted-cas`, data);
      result.replaceChildren(
        ...r.imported.map(c => h('li', {}, `Imported ${c.subject}.`)),
        ...r.skipped.map(s => h('li', {}, `Skipped ${s.sha256.slice(0, 16)}…: already imported.`)),
        ...r.warnings.map(w => h('li', {}, `Warning: ${w.message}`)));
      await refreshKeepingResult('ca-import-result', result);
    } catch (p) { showError('ca-file-error', p); }
  } },
    h('h3', {}, 'Import trusted CA certificates'),
    h('label', { for: 'ca-file' }, 'Certificate file (PEM, DER or PKCS#7)'),
    h('input', { id: 'ca-file', type: 'file', accept: '.pem,.crt,.cer,.der,.p7b,.p7c' }),
    errorText('ca-file-error'),
    h('button', { type: 'submit' }, 'Import'), result);
  return h('section', { 'aria-labelledby': 'cas-title' },
    h('h2', { id: 'cas-title' }, 'Trusted CA certificates'),
    h('p', { class: 'hint' }, 'Used for outbound connections made for this account: LDAPS, SMTPS, HTTPS callbacks.'),
    list.length ? h('table', { id: 'trusted-cas' }, h('thead', {}, h('tr', {}, ...['Subject', 'Issuer', 'Expires', 'SHA-256', 'Type', ''].map(t => h('th', { scope: 'col' }, t)))),
      tbody) : h('p', { id: 'trusted-cas-empty' }, 'No trusted CA certificates yet.'),
    more, form);
}

function toggle(button, id) {
  const row = document.getElementById(id);
  row.hidden = !row.hidden;
  button.setAttribute('aria-expanded', String(!row.hidden));
}

function certificateDetails(c) {
  return h('dl', { class: 'details' },
    h('dt', {}, 'Subject'), h('dd', {}, c.subject), h('dt', {}, 'Issuer'), h('dd', {}, c.issuer),
    h('dt', {}, 'Serial number'), h('dd', { class: 'mono' }, c.serialNumber),
    h('dt', {}, 'Valid'), h('dd', {}, `${new Date(c.notBefore).toLocaleString()} – ${new Date(c.notAfter).toLocaleString()}`),
    h('dt', {}, 'Key'), h('dd', {}, `${c.keyAlgorithm} ${c.keySize}`), h('dt', {}, 'Signature'), h('dd', {}, c.signatureAlgorithm),
    h('dt', {}, 'SHA-256'), h('dd', { class: 'mono' }, c.sha256),
    h('dt', {}, 'Shared with customers'), h('dd', {}, c.shareWithCustomers ? 'yes' : 'no'));
}

async function refreshKeepingResult(id, node) {
  await certificates();
  const fresh = document.getElementById(id);
  if (fresh) fresh.replaceWith(node);
}

/** What the PKI settings use the chain for (while they do, it cannot be deleted). */
function usesOf(chain, settings) {
  const uses = [];
  if (settings.signingChainId === chain.id) uses.push('API token signing');
  if (settings.nextSigningChainId === chain.id) uses.push('API token signing (scheduled)');
  for (const [domain, id] of Object.entries(settings.tlsBindings || {})) if (id === chain.id) uses.push(`TLS for ${domain}`);
  return uses;
}

/** The badges of what the chain is used for: the settings' uses, and what the server says its TLS edge serves it for, and why. */
function useBadges(chain, settings) {
  const served = chain.servedFor || [];
  const badges = [];
  if (settings.signingChainId === chain.id) badges.push(h('span', { class: 'badge info' }, 'API token signing'));
  if (settings.nextSigningChainId === chain.id) badges.push(h('span', { class: 'badge info' }, 'API token signing (scheduled)'));
  for (const [domain, id] of Object.entries(settings.tlsBindings || {})) {
    if (id !== chain.id) continue;
    badges.push(served.some(s => s.domain === domain && s.reason === 'BOUND')
      ? h('span', { class: 'badge info', title: 'Bound to this name in the PKI settings' }, `TLS for ${domain}`)
      : h('span', { class: 'badge soon', title: 'Bound to this name, but not valid now: the edge serves another chain' }, `bound to ${domain}, not served`));
  }
  for (const s of served) {
    if (s.reason === 'NEWEST_VALID') {
      badges.push(h('span', { class: 'badge info', title: 'Served as the newest valid chain for this name; no binding' }, `TLS for ${s.domain} (newest)`));
    } else if (s.reason === 'KEY_TYPE_FALLBACK') {
      badges.push(h('span', { class: 'badge info', title: 'This name is bound to a chain of the other key type; clients that cannot verify that one get this' },
        `TLS for ${s.domain} (other clients)`));
    }
  }
  return badges;
}

const ORIGINS = { GENERATED: 'generated', IMPORTED: 'imported', REQUESTED: 'requested (signed by your CA)' };
const REVOCATION_REASONS = ['keyCompromise', 'superseded', 'affiliationChanged', 'cessationOfOperation', 'unspecified'];

/** Revoking a generated chain: a reason, then a confirmation; the server says what it refuses and why. */
function revokeControl(c) {
  const select = h('select', { id: `revoke-reason-${c.id}`, 'aria-label': 'Revocation reason' },
    ...REVOCATION_REASONS.map(r => h('option', { value: r }, r)));
  return h('span', { class: 'revoke' }, select, ' ',
    h('button', { type: 'button', class: 'danger', 'data-revoke': c.id, onclick: async () => {
      if (!confirm(`Revoke this chain (${select.value})? The TLS edge stops serving it and it never signs again; this cannot be undone.`)) return;
      try {
        await api('POST', `${base()}/private-chains/${c.id}/revoke`, { reason: select.value });
        toast('Revoked.');
        route();
      } catch (p) { toast(p.message); }
    } }, 'Revoke'));
}

function chainSection(chains, settings, domainsOfAccount) {
  const rows = chains.map(c => {
    const uses = usesOf(c, settings);
    const badges = useBadges(c, settings);
    const reason = uses.length ? `In use for ${uses.join(', ')}: choose another chain in the PKI settings first.` : null;
    return [h('tr', { 'data-chain': c.id },
      h('td', {}, h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': `chain-details-${c.id}`,
        onclick: event => toggle(event.currentTarget, `chain-details-${c.id}`) }, c.dnsNames.length ? c.dnsNames.join(', ') : c.subject)),
      h('td', {}, ORIGINS[c.origin] || c.origin),
      h('td', {}, c.purposes.map(p => p === 'TLS_SERVER' ? 'TLS' : 'token signing').join(', ')),
      h('td', {}, `${c.keyAlgorithm} ${c.keySize}`),
      h('td', {}, when(c.notAfter), c.revocation ? null : expiryBadge(c.notAfter), renewalNote(c),
        c.revocation ? h('span', { class: 'badge expired', title: `Revoked ${new Date(c.revocation.revokedAt).toLocaleString()}`
            + (c.revocation.revokedBy === 'ISSUER' ? ' by its own CA (its OCSP responder says so)' : ' by the platform CA') },
          `${c.revocation.revokedBy === 'ISSUER' ? 'revoked by its CA' : 'revoked'}: ${c.revocation.reason}`) : null),
      h('td', {}, badges.length ? badges : h('span', { class: 'hint' }, c.revocation ? 'never served, never signs' : 'not in use')),
      h('td', {},
        h('a', { href: `${base()}/private-chains/${c.id}/chain.pem`, download: `${c.id}.pem` }, 'Chain PEM'), ' ',
        c.origin === 'GENERATED' && !c.revocation && !(c.renewal && c.renewal.renewedBy) ? renewControl(c) : null, ' ',
        c.origin === 'GENERATED' && !c.revocation ? revokeControl(c) : null, ' ',
        h('button', { type: 'button', class: 'danger', disabled: !!reason, title: reason, 'aria-describedby': reason ? `why-${c.id}` : null,
          onclick: async () => {
            if (!confirm('Delete this chain and its private key?')) return;
            try { await api('DELETE', `${base()}/private-chains/${c.id}`); toast('Deleted.'); route(); } catch (p) { toast(p.message); }
          } }, 'Delete'),
        reason ? h('div', { class: 'hint', id: `why-${c.id}` }, reason) : null)),
      h('tr', { id: `chain-details-${c.id}`, hidden: true }, h('td', { colspan: '7' },
        h('p', {}, `Subject ${c.subject}; SHA-256 of the leaf `, h('code', { class: 'mono' }, c.sha256)),
        h('table', { class: 'chain' }, h('caption', {}, 'The whole chain, leaf first'),
          h('thead', {}, h('tr', {}, ...['Subject', 'Issuer', 'Valid', 'Key', 'SHA-256'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, (c.certificates || []).map(x => h('tr', {}, h('td', {}, x.subject), h('td', {}, x.issuer),
            h('td', {}, `${new Date(x.notBefore).toLocaleDateString()} – ${new Date(x.notAfter).toLocaleDateString()}`),
            h('td', {}, `${x.keyAlgorithm} ${x.keySize}`), h('td', { class: 'mono' }, x.sha256)))))))];
  }).flat();
  return h('section', { 'aria-labelledby': 'chains-title' },
    h('h2', { id: 'chains-title' }, 'Private certificate chains'),
    chains.length ? h('table', { id: 'private-chains' },
      h('thead', {}, h('tr', {}, ...['Names', 'Origin', 'Purposes', 'Key', 'Expires', 'In use', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', { id: 'private-chains-empty' }, 'No private certificate chains yet.'),
    h('div', { class: 'row' }, importChainForm(), generateForm(domainsOfAccount)));
}

function renewControl(c) {
  return h('button', { type: 'button', class: 'secondary', 'data-renew': c.id, onclick: async () => {
    if (!confirm('Renew this chain now? The platform CA issues a new one with the same names and key type; '
        + (c.purposes.includes('TOKEN_SIGNING') ? 'it signs in 5 minutes and the old key stays published until its tokens end.'
          : 'its bindings move to it at once and the old one is revoked as superseded a minute later.'))) return;
    try {
      await api('POST', `${base()}/private-chains/${c.id}/renew`, {});
      toast('Renewed: the new chain takes over.');
      route();
    } catch (p) { toast(p.message); }
  } }, 'Renew');
}

function renewalNote(c) {
  const r = c.renewal;
  if (!r || c.revocation) return null;
  if (r.renewedBy) return h('div', { class: 'hint' }, 'renewed ', when(r.renewedAt), '; revoked as superseded from ', when(r.revokeAsSupersededAt));
  const parts = [];
  if (r.renewAt) parts.push(h('div', { class: 'hint' }, 'renews by itself ', when(r.renewAt)));
  if (r.failures > 0 && r.lastError) {
    parts.push(h('div', { class: 'error', role: 'status' }, `renewal failed ${r.failures}×: ${r.lastError.message}`));
  }
  return parts.length ? parts : null;
}

// ---------- Expiring tab ----------
async function expiringCount() {
  const badge = document.getElementById('expiring-count');
  try {
    const soon = await api('GET', `${base()}/expiring?within=P30D`);
    badge.textContent = String(soon.count);
    badge.hidden = soon.count === 0;
    badge.setAttribute('aria-label', `${soon.count} ending within 30 days`);
  } catch (e) { badge.hidden = true; }
}

const KINDS = { TRUSTED_CA: 'trusted CA', CHAIN: 'private chain', CHAIN_CERTIFICATE: 'certificate of a chain',
  SIGNED_REQUEST: 'device certificate', ACME: 'ACME certificate', SCEP: 'device certificate (SCEP)', EST: 'device certificate (EST)',
  PLATFORM_CA: 'platform CA', NODE_SERVER: 'node certificate' };

async function expiring() {
  const within = state.expiringWithin || 'P30D';
  const listing = await api('GET', `${base()}/expiring?within=${within}`);
  const choose = h('select', { id: 'expiring-within', onchange: event => { state.expiringWithin = event.target.value; route(); } },
    ...[['P7D', '7 days'], ['P30D', '30 days'], ['P90D', '90 days'], ['P365D', 'a year']].map(([v, label]) =>
      h('option', { value: v, selected: v === within }, label)));
  const rows = listing.items.map(i => h('tr', { 'data-expiring': `${i.id}#${i.position || 0}` },
    h('td', {}, when(i.notAfter), i.expired ? h('span', { class: 'badge expired' }, 'ended') : null),
    h('td', {}, String(i.daysLeft)),
    h('td', {}, KINDS[i.kind] || i.kind, i.origin ? ` (${ORIGINS[i.origin] || i.origin})` : ''),
    h('td', {}, i.subject),
    h('td', {}, [...(i.servesDomains || []), ...(i.signingRole ? [`signing (${i.signingRole.toLowerCase()})`] : [])].join(', ')
      || h('span', { class: 'hint' }, 'not in use')),
    h('td', {}, i.renewAt ? ['renews by itself ', when(i.renewAt)]
      : i.origin === 'IMPORTED' ? 'renew at its CA, then import it again'
        : i.origin === 'REQUESTED' ? 'make a new request, have your CA sign it'
          : i.kind === 'SIGNED_REQUEST' ? 'the device sends a new CSR'
            : i.kind === 'SCEP' ? 'the device renews by SCEP'
              : i.kind === 'EST' ? 'the device renews by EST' : '')));
  view().replaceChildren(
    h('h1', {}, `Expiring — ${(account() || {}).name || ''}`),
    h('p', {}, h('label', { for: 'expiring-within' }, 'Ending within '), choose),
    rows.length ? h('table', { id: 'expiring' },
      h('caption', {}, `${listing.count} ending by ${new Date(listing.until).toLocaleDateString()}, soonest first`),
      h('thead', {}, h('tr', {}, ...['Ends', 'Days left', 'What', 'Subject', 'Used for', 'Renewal'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', { id: 'expiring-empty' }, 'Nothing ends within that time.'));
}

function importChainForm() {
  const form = h('form', { id: 'chain-import', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const file = form.querySelector('#pfx-file').files[0];
    if (!file) { document.getElementById('pfx-file-error').textContent = 'Choose a PKCS#12 (.pfx or .p12) file.'; return; }
    const data = new FormData();
    data.append('file', file);
    data.append('password', form.querySelector('#pfx-password').value);
    try {
      await api('POST', `${base()}/private-chains/import`, data);
      toast('Chain imported.');
      route();
    } catch (p) {
      const passwordCodes = ['wrong_password', 'password_required', 'password_mismatch'];
      showError(passwordCodes.includes(p.code) ? 'pfx-password-error' : 'pfx-file-error', p);
    }
  } },
    h('h3', {}, 'Import a chain (PKCS#12)'),
    h('label', { for: 'pfx-file' }, 'PFX / P12 file'),
    h('input', { id: 'pfx-file', type: 'file', accept: '.pfx,.p12' }), errorText('pfx-file-error'),
    h('label', { for: 'pfx-password' }, 'Password (of the file and its key)'),
    h('input', { id: 'pfx-password', type: 'password', autocomplete: 'off' }), errorText('pfx-password-error'),
    h('button', { type: 'submit' }, 'Import'));
  return form;
}

function generateForm(domainsOfAccount) {
  const domainField = h('div', { id: 'generate-domain-field' },
    h('label', { for: 'generate-domain' }, 'Domain'),
    h('select', { id: 'generate-domain' }, ...domainsOfAccount.map(d => h('option', { value: d }, d))),
    domainsOfAccount.length ? null : h('p', { class: 'hint' }, 'This account has no domains: an admin above it sets them.'));
  const purpose = h('select', { id: 'generate-purpose', onchange: () => { domainField.hidden = purpose.value !== 'TLS_SERVER'; } },
    h('option', { value: 'TLS_SERVER' }, 'TLS (web UI, API, IPP printing, terminals)'),
    h('option', { value: 'TOKEN_SIGNING' }, 'API token signing'));
  const form = h('form', { id: 'chain-generate', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const body = { purpose: purpose.value, keyType: form.querySelector('#generate-key').value };
    if (purpose.value === 'TLS_SERVER') body.domain = form.querySelector('#generate-domain').value;
    const days = form.querySelector('#generate-days').value;
    if (days) body.validityDays = Number(days);
    try {
      await api('POST', `${base()}/private-chains/generate`, body);
      toast('Chain generated.');
      route();
    } catch (p) { showError('generate-error', p); }
  } },
    h('h3', {}, 'Generate a chain from the platform CA'),
    h('label', { for: 'generate-purpose' }, 'Purpose'), purpose,
    domainField,
    h('label', { for: 'generate-key' }, 'Key type'),
    h('select', { id: 'generate-key' }, ...['EC_P256', 'EC_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ED25519'].map(k => h('option', { value: k }, k.replace('_', ' ')))),
    h('label', { for: 'generate-days' }, 'Validity in days (optional)'),
    h('input', { id: 'generate-days', type: 'number', min: '1', max: '825', inputmode: 'numeric' }),
    errorText('generate-error'),
    h('button', { type: 'submit' }, 'Generate'));
  return form;
}

// ---------- certificate requests both ways ----------
/** Requests made here for the account's own CA: make one (key stays here), download its CSR, upload what the CA signed. */
function requestsSection(requests, domainsOfAccount) {
  const rows = requests.map(r => h('tr', { 'data-request': r.id },
    h('td', {}, r.domains.join(', ')),
    h('td', {}, r.keyType.replace('_', ' ')),
    h('td', {}, when(r.expiresAt)),
    h('td', {},
      h('a', { href: `${base()}/private-chains/requests/${r.id}/csr.pem`, download: `request-${r.id}.csr` }, 'CSR'), ' ',
      h('label', { for: `signed-${r.id}`, class: 'inline' }, 'Signed certificate '),
      h('input', { id: `signed-${r.id}`, type: 'file', accept: '.pem,.crt,.cer,.der,.p7b,.p7c' }), ' ',
      h('button', { type: 'button', 'data-complete': r.id, onclick: async () => {
        const file = document.getElementById(`signed-${r.id}`).files[0];
        const out = document.getElementById(`request-error-${r.id}`);
        out.textContent = '';
        if (!file) { out.textContent = 'Choose the certificate your CA signed (PEM, DER or PKCS#7).'; return; }
        const data = new FormData();
        data.append('file', file);
        try {
          const done = await api('POST', `${base()}/private-chains/requests/${r.id}/certificate`, data);
          toast(done.warnings.length ? `Chain added; ${done.warnings[0].message}` : 'Chain added from the signed certificate.');
          route();
        } catch (p) { showError(`request-error-${r.id}`, p); }
      } }, 'Upload'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm('Delete this request and its key? A certificate signed for it can no longer be used.')) return;
        try { await api('DELETE', `${base()}/private-chains/requests/${r.id}`); toast('Request deleted.'); route(); } catch (p) { toast(p.message); }
      } }, 'Delete'),
      errorText(`request-error-${r.id}`))));
  const form = h('form', { id: 'request-create', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const domains = [...form.querySelectorAll('input[name=request-domain]:checked')].map(i => i.value);
    try {
      await api('POST', `${base()}/private-chains/requests`, { domains, keyType: form.querySelector('#request-key').value });
      toast('Request made: download its CSR for your CA.');
      route();
    } catch (p) { showError('request-create-error', p); }
  } },
    h('h3', {}, 'Request a chain from your own CA'),
    h('p', { class: 'hint' }, 'The key is made here and never leaves; take the CSR to your CA, then upload the certificate it signs.'),
    h('fieldset', {}, h('legend', {}, 'Names'),
      domainsOfAccount.length ? domainsOfAccount.map((d, i) => h('div', {},
        h('input', { type: 'checkbox', name: 'request-domain', id: `request-domain-${i}`, value: d, checked: i === 0 }),
        h('label', { for: `request-domain-${i}`, class: 'inline' }, ` ${d}`)))
        : h('p', { class: 'hint' }, 'This account has no domains: an admin above it sets them.')),
    h('label', { for: 'request-key' }, 'Key type'),
    h('select', { id: 'request-key' }, ...['EC_P256', 'EC_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096'].map(k => h('option', { value: k }, k.replace('_', ' ')))),
    errorText('request-create-error'),
    h('button', { type: 'submit' }, 'Make the request'));
  return h('section', { 'aria-labelledby': 'requests-title' },
    h('h2', { id: 'requests-title' }, 'Requests waiting for a certificate'),
    requests.length ? h('table', { id: 'chain-requests' },
      h('thead', {}, h('tr', {}, ...['Names', 'Key', 'Ends', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', { id: 'chain-requests-empty' }, 'No requests waiting.'),
    form);
}

/** Devices' own CSRs signed by the platform CA: paste or upload one, download the chain; revoke from the list. */
function devicesSection(signed) {
  const rows = signed.certificates.map(c => h('tr', { 'data-serial': c.serial },
    h('td', {}, c.dnsNames.join(', ')),
    h('td', { class: 'mono' }, c.serial),
    h('td', {}, when(c.notAfter), c.revocation ? h('span', { class: 'badge expired' }, `revoked: ${c.revocation.reason}`) : expiryBadge(c.notAfter)),
    h('td', {},
      h('a', { href: `${base()}/certificates/${c.serial}/chain.pem`, download: `${c.serial}.pem` }, 'Chain PEM'), ' ',
      h('a', { href: `${base()}/certificates/${c.serial}/chain.p7b`, download: `${c.serial}.p7b` }, 'PKCS#7'), ' ',
      c.revocation ? null : (() => {
        const select = h('select', { 'aria-label': `Revocation reason for ${c.serial}` }, ...REVOCATION_REASONS.map(r => h('option', { value: r }, r)));
        return h('span', { class: 'revoke' }, select, ' ', h('button', { type: 'button', class: 'danger', 'data-revoke-serial': c.serial, onclick: async () => {
          if (!confirm(`Revoke this device certificate (${select.value})? Its CRL and OCSP say so at once; this cannot be undone.`)) return;
          try { await api('POST', `${base()}/certificates/${c.serial}/revoke`, { reason: select.value }); toast('Revoked.'); route(); } catch (p) { toast(p.message); }
        } }, 'Revoke'));
      })())));
  const result = h('div', { id: 'sign-result', role: 'status' });
  const form = h('form', { id: 'csr-sign', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const file = form.querySelector('#csr-file').files[0];
    const pasted = form.querySelector('#csr-text').value.trim();
    const profile = form.querySelector('#csr-profile').value;
    const days = form.querySelector('#csr-days').value;
    let body;
    if (file) {
      body = new FormData();
      body.append('csr', file);
      body.append('profile', profile);
      if (days) body.append('validityDays', days);
    } else {
      body = { csr: pasted, profile };
      if (days) body.validityDays = Number(days);
    }
    try {
      const c = await api('POST', `${base()}/certificates/sign`, body);
      result.replaceChildren(h('p', {}, `Signed for ${c.dnsNames.join(', ')}, serial `, h('code', { class: 'mono' }, c.serial), ', until ',
        new Date(c.notAfter).toLocaleDateString(), ': ',
        h('a', { href: `${base()}/certificates/${c.serial}/chain.pem`, download: `${c.serial}.pem`, id: 'signed-chain-pem' }, 'chain PEM'), ' · ',
        h('a', { href: `${base()}/certificates/${c.serial}/chain.p7b`, download: `${c.serial}.p7b` }, 'PKCS#7')));
      toast('Signed.');
      await refreshKeepingResult('sign-result', result); // the list shows it, the answer stays in view
    } catch (p) { showError('csr-sign-error', p); }
  } },
    h('h3', {}, 'Sign a device\'s certificate request'),
    h('p', { class: 'hint' }, 'For printers and terminals that make their own key: every name in the CSR must be one of the account\'s domains.'),
    h('label', { for: 'csr-text' }, 'CSR (PEM), pasted'),
    h('textarea', { id: 'csr-text', rows: '6', class: 'mono', placeholder: '-----BEGIN CERTIFICATE REQUEST-----' }),
    h('label', { for: 'csr-file' }, 'or a CSR file (PEM or DER)'),
    h('input', { id: 'csr-file', type: 'file', accept: '.csr,.pem,.der,.req' }),
    h('label', { for: 'csr-profile' }, 'Use'),
    h('select', { id: 'csr-profile' },
      h('option', { value: 'TLS_SERVER' }, 'TLS server (web page, IPPS)'),
      h('option', { value: 'TLS_CLIENT' }, 'TLS client (802.1X, API)'),
      h('option', { value: 'TLS_SERVER_AND_CLIENT' }, 'both')),
    h('label', { for: 'csr-days' }, 'Validity in days (optional, at most 397)'),
    h('input', { id: 'csr-days', type: 'number', min: '1', max: '397', inputmode: 'numeric' }),
    errorText('csr-sign-error'),
    h('button', { type: 'submit' }, 'Sign'),
    result);
  return h('section', { 'aria-labelledby': 'devices-title' },
    h('h2', { id: 'devices-title' }, 'Devices\' certificates (signed here for their own keys)'),
    signed.certificates.length ? h('table', { id: 'device-certificates' },
      h('thead', {}, h('tr', {}, ...['Names', 'Serial', 'Expires', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', { id: 'device-certificates-empty' }, 'No device certificates yet.'),
    form);
}

function settingsSection(chains, settings, domainsOfAccount) {
  const signing = chains.filter(c => c.purposes.includes('TOKEN_SIGNING'));
  const tls = chains.filter(c => c.purposes.includes('TLS_SERVER'));
  const select = h('select', { id: 'signing-chain' }, h('option', { value: '' }, 'None'),
    ...signing.map(c => h('option', { value: c.id, selected: settings.signingChainId === c.id }, `${c.subject} (${c.keyAlgorithm} ${c.keySize}, until ${new Date(c.notAfter).toLocaleDateString()})`)));
  const state = h('p', { id: 'signing-state' }, settings.signingChainId
    ? 'API tokens are signed with the chosen chain; its key is published in the account\'s JWKS.'
    : 'API tokens are not issued while no signing chain is chosen.');
  const bindings = domainsOfAccount.map(d => {
    const covering = tls.filter(c => (c.covers || []).includes(d));
    return h('div', {},
      h('label', { for: `binding-${d}` }, `TLS chain for ${d}`),
      h('select', { id: `binding-${d}`, 'data-domain': d }, h('option', { value: '' }, 'Automatic: the newest valid chain'),
        ...covering.map(c => h('option', { value: c.id, selected: (settings.tlsBindings || {})[d] === c.id }, `${c.subject} (${c.keyAlgorithm}, until ${new Date(c.notAfter).toLocaleDateString()})`))));
  });
  const form = h('form', { id: 'pki-settings', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const tlsBindings = {};
    form.querySelectorAll('select[data-domain]').forEach(s => { if (s.value) tlsBindings[s.dataset.domain] = s.value; });
    try {
      await api('PUT', `${base()}/pki-settings`, { signingChainId: select.value || null, tlsBindings, tokenLifetimeSeconds: settings.tokenLifetimeSeconds });
      toast('PKI settings saved.');
      route();
    } catch (p) { showError('settings-error', p); }
  } },
    h('label', { for: 'signing-chain' }, 'Signing chain for API tokens'), select, state,
    ...bindings, errorText('settings-error'), h('button', { type: 'submit' }, 'Save PKI settings'));
  return h('section', { 'aria-labelledby': 'settings-title' }, h('h2', { id: 'settings-title' }, 'PKI settings'), form);
}

// ---------- API clients ----------
async function clients() {
  const list = await api('GET', `${base()}/api-clients`);
  const created = h('div', { id: 'client-created', 'aria-live': 'polite' });
  const form = h('form', { id: 'client-create', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    try {
      const c = await api('POST', `${base()}/api-clients`, { name: form.querySelector('#client-name').value });
      await clients();
      const secret = h('code', { id: 'client-secret', class: 'secret' }, c.clientSecret);
      document.getElementById('client-created').replaceChildren(h('div', { class: 'panel' },
        h('p', {}, `Client ${c.name} created. Its id: `, h('code', { id: 'client-id' }, c.clientId)),
        h('p', {}, 'Its secret, shown only now (Certdesk keeps only its hash): ', secret, ' ',
          h('button', { type: 'button', class: 'secondary', onclick: async () => {
            try { await navigator.clipboard.writeText(c.clientSecret); toast('Secret copied.'); } catch (e) { toast('Select the secret and copy it.'); }
          } }, 'Copy secret'))));
    } catch (p) { showError('client-error', p); }
  } },
    h('label', { for: 'client-name' }, 'Name of the new API client'), h('input', { id: 'client-name', required: true }),
    errorText('client-error'), h('button', { type: 'submit' }, 'Create API client'));
  view().replaceChildren(h('h1', {}, 'API clients'),
    h('p', { class: 'hint' }, `Tokens: POST ${location.origin}${base()}/oauth2/token with grant_type=client_credentials.`),
    list.clients.length ? h('table', { id: 'api-clients' }, h('thead', {}, h('tr', {}, ...['Name', 'Client id', 'Scopes', 'Created', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.clients.map(c => h('tr', {}, h('td', {}, c.name), h('td', { class: 'mono' }, c.clientId), h('td', {}, c.scopes.join(' ')),
        h('td', {}, when(c.createdAt)), h('td', {}, h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm(`Delete ${c.name}? Its tokens stop working.`)) return;
          try { await api('DELETE', `${base()}/api-clients/${c.clientId}`); toast('Deleted.'); clients(); } catch (p) { toast(p.message); }
        } }, 'Delete')))))) : h('p', {}, 'No API clients yet.'),
    form, created);
}

// ---------- ACME: the account's directory, its settings and EAB credentials ----------
async function acme() {
  const [settings, list] = await Promise.all([api('GET', `${base()}/acme/settings`), api('GET', `${base()}/acme/eab`)]);
  const created = h('div', { id: 'eab-created', 'aria-live': 'polite' });
  const isAdmin = state.me.role === 'PLATFORM_ADMIN';
  const settingsForm = h('form', { id: 'acme-settings', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(settingsForm);
    const body = { domainsPrevalidated: settingsForm.querySelector('#acme-prevalidated').checked };
    if (isAdmin) body.ordersPerHour = Number(settingsForm.querySelector('#acme-orders-per-hour').value);
    try { await api('PUT', `${base()}/acme/settings`, body); toast('ACME settings saved.'); await acme(); } catch (p) { showError('acme-settings-error', p); }
  } },
    h('h2', {}, 'Settings'),
    h('div', {}, h('input', { type: 'checkbox', id: 'acme-prevalidated', checked: settings.domainsPrevalidated }),
      h('label', { for: 'acme-prevalidated', class: 'inline' }, ' The account\'s domains count as validated (no challenge: for terminals that cannot answer one)')),
    h('label', { for: 'acme-orders-per-hour' }, 'Orders per hour'),
    h('input', { id: 'acme-orders-per-hour', type: 'number', min: '1', max: '100000', value: String(settings.ordersPerHour), disabled: !isAdmin }),
    isAdmin ? null : h('p', { class: 'hint' }, 'The platform admin sets the hourly limit.'),
    errorText('acme-settings-error'), h('button', { type: 'submit' }, 'Save ACME settings'));
  const eabForm = h('form', { id: 'eab-create', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(eabForm);
    try {
      const c = await api('POST', `${base()}/acme/eab`, { description: eabForm.querySelector('#eab-description').value || null });
      await acme();
      const server = settings.directory;
      document.getElementById('eab-created').replaceChildren(h('div', { class: 'panel' },
        h('p', {}, 'Credential made. Its key id: ', h('code', { id: 'eab-kid', class: 'mono' }, c.keyId)),
        h('p', {}, 'Its HMAC key, shown only now: ', h('code', { id: 'eab-hmac', class: 'secret' }, c.hmacKey), ' ',
          h('button', { type: 'button', class: 'secondary', onclick: async () => {
            try { await navigator.clipboard.writeText(c.hmacKey); toast('HMAC key copied.'); } catch (e) { toast('Select the key and copy it.'); }
          } }, 'Copy HMAC key')),
        h('p', { class: 'hint' }, 'certbot:'),
        h('pre', { class: 'mono', id: 'eab-certbot' }, `certbot certonly --standalone --server ${server} --eab-kid ${c.keyId} --eab-hmac-key ${c.hmacKey} -d NAME`),
        h('p', { class: 'hint' }, 'lego:'),
        h('pre', { class: 'mono' }, `lego --server ${server} --eab --kid ${c.keyId} --hmac ${c.hmacKey} --email you@example.com --domains NAME --http run`),
        h('p', { class: 'hint' }, 'Each credential binds one ACME account, once.')));
    } catch (p) { showError('eab-error', p); }
  } },
    h('h2', {}, 'New EAB credential'),
    h('label', { for: 'eab-description' }, 'What it is for (optional)'), h('input', { id: 'eab-description', maxlength: '200' }),
    errorText('eab-error'), h('button', { type: 'submit' }, 'Make credential'));
  const rows = list.credentials.map(c => h('tr', { 'data-eab': c.keyId },
    h('td', { class: 'mono' }, c.keyId), h('td', {}, c.description || ''), h('td', {}, when(c.createdAt)),
    h('td', {}, c.boundAt ? `bound ${when(c.boundAt)}` : 'not used yet'),
    h('td', {}, h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete credential ${c.keyId}?${c.boundAt ? ' The ACME account it bound stays as it is.' : ' It can no longer bind an ACME account.'}`)) return;
      try { await api('DELETE', `${base()}/acme/eab/${encodeURIComponent(c.keyId)}`); toast('Credential deleted.'); acme(); } catch (p) { toast(p.message); }
    } }, 'Delete'))));
  view().replaceChildren(h('h1', {}, `ACME — ${(account() || {}).name || ''}`),
    h('p', {}, 'Directory: ', h('code', { id: 'acme-directory', class: 'mono' }, settings.directory)),
    h('p', { class: 'hint' }, 'ACME clients (certbot, lego, cert-manager, Caddy, Traefik) get certificates for this account\'s domains from the platform CA; each needs an EAB credential.'),
    settingsForm,
    h('h2', {}, 'EAB credentials'),
    rows.length ? h('table', { id: 'eab-list' }, h('thead', {}, h('tr', {}, ...['Key id', 'For', 'Made', 'Use', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', { id: 'eab-empty' }, 'No EAB credentials yet.'),
    eabForm, created);
}

// ---------- Devices: SCEP enrollment (settings, challenge passwords, held requests, the devices' certificates) ----------
const PROFILES = { TLS_SERVER: 'TLS server', TLS_CLIENT: 'TLS client', TLS_SERVER_AND_CLIENT: 'TLS server and client' };

async function devices() {
  const [settings, passwords, pending, signed] = await Promise.all([
    api('GET', `${base()}/scep/settings`), api('GET', `${base()}/scep/passwords`),
    api('GET', `${base()}/scep/requests?status=PENDING`), api('GET', `${base()}/certificates?limit=200`)]);
  const created = h('div', { id: 'scep-password-created', 'aria-live': 'polite' });
  const settingsForm = h('form', { id: 'scep-settings', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(settingsForm);
    const body = {
      enabled: settingsForm.querySelector('#scep-enabled').checked,
      profile: settingsForm.querySelector('#scep-profile').value,
      validityDays: Number(settingsForm.querySelector('#scep-validity').value),
      foreignNames: settingsForm.querySelector('#scep-foreign').value };
    try { await api('PUT', `${base()}/scep/settings`, body); toast('SCEP settings saved.'); await devices(); } catch (p) { showError('scep-settings-error', p); }
  } },
    h('h2', {}, 'Settings'),
    h('div', {}, h('input', { type: 'checkbox', id: 'scep-enabled', checked: settings.enabled }),
      h('label', { for: 'scep-enabled', class: 'inline' }, ' Devices of this account may enroll by SCEP')),
    h('label', { for: 'scep-profile' }, 'Their certificates are for'),
    h('select', { id: 'scep-profile' }, ...Object.entries(PROFILES).map(([v, label]) => h('option', { value: v, selected: v === settings.profile }, label))),
    h('label', { for: 'scep-validity' }, 'Valid for (days, at most 397)'),
    h('input', { id: 'scep-validity', type: 'number', min: '1', max: '397', value: String(settings.validityDays) }),
    h('label', { for: 'scep-foreign' }, 'A request naming a host outside the account\'s domains'),
    h('select', { id: 'scep-foreign' },
      h('option', { value: 'REFUSE', selected: settings.foreignNames === 'REFUSE' }, 'is refused'),
      h('option', { value: 'HOLD', selected: settings.foreignNames === 'HOLD' }, 'waits for approval')),
    errorText('scep-settings-error'), h('button', { type: 'submit' }, 'Save SCEP settings'));
  const passwordForm = h('form', { id: 'scep-password-create', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(passwordForm);
    const kind = passwordForm.querySelector('#scep-password-kind').value;
    const body = { kind, label: passwordForm.querySelector('#scep-password-label').value || null };
    if (kind === 'ONE_TIME') body.validMinutes = Number(passwordForm.querySelector('#scep-password-minutes').value);
    try {
      const c = await api('POST', `${base()}/scep/passwords`, body);
      await devices();
      document.getElementById('scep-password-created').replaceChildren(h('div', { class: 'panel' },
        h('p', {}, kind === 'STATIC' ? 'The static password (it replaces the one before), shown only now: ' : 'A one-time password, shown only now: ',
          h('code', { id: 'scep-password', class: 'secret' }, c.password), ' ',
          h('button', { type: 'button', class: 'secondary', onclick: async () => {
            try { await navigator.clipboard.writeText(c.password); toast('Password copied.'); } catch (e) { toast('Select the password and copy it.'); }
          } }, 'Copy password')),
        c.expiresAt ? h('p', { class: 'hint' }, 'Good for one enrollment until ', when(c.expiresAt), '.') : null));
    } catch (p) { showError('scep-password-error', p); }
  } },
    h('h2', {}, 'New challenge password'),
    h('label', { for: 'scep-password-kind' }, 'Kind'),
    h('select', { id: 'scep-password-kind' }, h('option', { value: 'ONE_TIME' }, 'one-time (one enrollment)'), h('option', { value: 'STATIC' }, 'static (every device)')),
    h('label', { for: 'scep-password-minutes' }, 'A one-time password is good for (minutes)'),
    h('input', { id: 'scep-password-minutes', type: 'number', min: '1', max: '43200', value: '60' }),
    h('label', { for: 'scep-password-label' }, 'Which device it is for (optional)'), h('input', { id: 'scep-password-label', maxlength: '200' }),
    errorText('scep-password-error'), h('button', { type: 'submit' }, 'Make password'));
  const passwordRows = passwords.passwords.map(p => h('tr', { 'data-scep-password': p.id },
    h('td', {}, p.kind === 'STATIC' ? 'static' : 'one-time'), h('td', {}, p.label || ''), h('td', {}, when(p.createdAt)),
    h('td', {}, p.usedAt ? ['used ', when(p.usedAt)] : p.expiresAt ? (new Date(p.expiresAt) < new Date() ? 'expired' : ['until ', when(p.expiresAt)]) : 'standing'),
    h('td', {}, h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm('Delete this challenge password? Devices can no longer enroll with it.')) return;
      try { await api('DELETE', `${base()}/scep/passwords/${encodeURIComponent(p.id)}`); toast('Password deleted.'); devices(); } catch (e) { toast(e.message); }
    } }, 'Delete'))));
  const pendingRows = pending.requests.map(r => h('tr', { 'data-scep-request': r.id },
    h('td', {}, r.dnsNames.join(', ') || r.subject), h('td', {}, r.kind === 'RENEWAL' ? 'renewal' : 'enrollment'), h('td', {}, when(r.createdAt)),
    h('td', {},
      h('button', { type: 'button', 'data-approve': r.id, onclick: async () => {
        if (!confirm(`Issue a certificate for ${r.dnsNames.join(', ')}? These names are outside the account's domains.`)) return;
        try { await api('POST', `${base()}/scep/requests/${r.id}/approve`, {}); toast('Approved: the device gets its certificate when it asks again.'); devices(); } catch (e) { toast(e.message); }
      } }, 'Approve'), ' ',
      h('button', { type: 'button', class: 'danger', 'data-reject': r.id, onclick: async () => {
        const reason = prompt('Why (the device is told)?', '');
        if (reason === null) return;
        try { await api('POST', `${base()}/scep/requests/${r.id}/reject`, reason ? { reason } : {}); toast('Rejected.'); devices(); } catch (e) { toast(e.message); }
      } }, 'Reject'))));
  const within = state.devicesWithin || 'all';
  const limit = within === 'all' ? Infinity : Number(within) * 86400000;
  const scep = signed.certificates.filter(c => (c.issuedFor === 'SCEP' || c.issuedFor === 'EST') && (new Date(c.notAfter) - new Date()) <= limit);
  const choose = h('select', { id: 'devices-within', onchange: event => { state.devicesWithin = event.target.value; route(); } },
    ...[['all', 'any time'], ['30', '30 days'], ['90', '90 days'], ['365', 'a year']].map(([v, label]) => h('option', { value: v, selected: v === within }, label)));
  const certRows = scep.map(c => h('tr', { 'data-serial': c.serial },
    h('td', {}, c.dnsNames.join(', ')), h('td', { class: 'mono' }, c.serial),
    h('td', {}, when(c.notAfter), c.revocation ? h('span', { class: 'badge expired' }, `revoked: ${c.revocation.reason}`) : expiryBadge(c.notAfter)),
    h('td', {}, c.revocation ? null : (() => {
      const select = h('select', { 'aria-label': `Revocation reason for ${c.serial}` }, ...REVOCATION_REASONS.map(r => h('option', { value: r }, r)));
      return h('span', { class: 'revoke' }, select, ' ', h('button', { type: 'button', class: 'danger', 'data-revoke-serial': c.serial, onclick: async () => {
        if (!confirm(`Revoke this device's certificate (${select.value})? Its CRL and OCSP say so at once; this cannot be undone.`)) return;
        try { await api('POST', `${base()}/certificates/${c.serial}/revoke`, { reason: select.value }); toast('Revoked.'); route(); } catch (p) { toast(p.message); }
      } }, 'Revoke'));
    })())));
  view().replaceChildren(h('h1', {}, `Devices — ${(account() || {}).name || ''}`),
    h('p', { class: 'hint' }, 'Printers, multifunction devices and terminals get their certificates by SCEP: set them up with the URL below and a challenge password.'),
    settings.urls ? h('p', {}, 'SCEP URL: ', h('code', { id: 'scep-url', class: 'mono' }, settings.urls.scep), h('br'),
      'NDES path (Canon, Intune: the password tells the account): ', h('code', { id: 'scep-ndes-url', class: 'mono' }, settings.urls.ndes))
      : h('p', { class: 'hint' }, 'This node serves no plain-HTTP port (--http-port), where devices speak SCEP.'),
    settingsForm,
    h('h2', {}, 'Challenge passwords'),
    passwordRows.length ? h('table', { id: 'scep-passwords' }, h('thead', {}, h('tr', {}, ...['Kind', 'For', 'Made', 'Use', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, passwordRows)) : h('p', { id: 'scep-passwords-empty' }, 'No challenge passwords yet.'),
    passwordForm, created,
    h('h2', {}, 'Waiting for approval'),
    pendingRows.length ? h('table', { id: 'scep-pending' }, h('thead', {}, h('tr', {}, ...['Names', 'Kind', 'Asked', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, pendingRows)) : h('p', { id: 'scep-pending-empty' }, 'Nothing waits.'),
    h('h2', {}, 'The devices\' certificates'),
    h('p', {}, h('label', { for: 'devices-within' }, 'Ending within '), choose),
    certRows.length ? h('table', { id: 'scep-certificates' }, h('thead', {}, h('tr', {}, ...['Names', 'Serial', 'Ends', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, certRows)) : h('p', { id: 'scep-certificates-empty' }, 'No device certificates.'));
}

// ---------- Domains (and, for the platform admin, accounts) ----------
async function domains() {
  const a = account();
  const list = await api('GET', `${base()}/domains`);
  const canEdit = state.me.role === 'PLATFORM_ADMIN' || (a && a.parentId && a.parentId === state.me.accountId);
  const children = [h('h1', {}, `Domains — ${a ? a.name : ''}`),
    list.domains.length ? h('ul', { id: 'domain-list' }, list.domains.map(d => h('li', {}, d))) : h('p', {}, 'No domains.')];
  if (canEdit) {
    const form = h('form', { id: 'domains-edit', class: 'panel', onsubmit: async event => {
      event.preventDefault();
      clearErrors(form);
      const names = form.querySelector('#domains-text').value.split(/\s+/).filter(Boolean);
      try { await api('PUT', `${base()}/domains`, { domains: names }); await loadAccounts(); toast('Domains saved.'); route(); } catch (p) { showError('domains-error', p); }
    } },
      h('label', { for: 'domains-text' }, 'Domains, one per line'),
      h('textarea', { id: 'domains-text', rows: '5', cols: '40' }, list.domains.join('\n')),
      errorText('domains-error'), h('button', { type: 'submit' }, 'Save domains'));
    children.push(form);
  } else {
    children.push(h('p', { class: 'hint' }, 'Domains are set by the platform admin or your vendor.'));
  }
  if (state.me.role === 'PLATFORM_ADMIN' || (a && a.type === 'VENDOR' && state.me.accountId === a.id)) children.push(accountsAdmin());
  view().replaceChildren(...children);
}

function accountsAdmin() {
  const vendors = [...state.known.values()].filter(x => x.type === 'VENDOR'); // the switcher's page and what was searched
  const type = h('select', { id: 'new-account-type' }, h('option', { value: 'CUSTOMER' }, 'Customer'),
    state.me.role === 'PLATFORM_ADMIN' ? h('option', { value: 'VENDOR' }, 'Vendor') : null);
  const form = h('form', { id: 'account-create', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const body = { name: form.querySelector('#new-account-name').value, type: type.value };
    if (type.value === 'CUSTOMER') body.parentId = form.querySelector('#new-account-parent').value;
    try {
      const created = await api('POST', '/api/v1/accounts', body);
      await loadAccounts();
      toast(`Account ${created.name} created.`);
      go(created.id, 'domains');
    } catch (p) { showError('account-error', p); }
  } },
    h('h2', {}, 'New account'),
    h('label', { for: 'new-account-name' }, 'Name'), h('input', { id: 'new-account-name', required: true }),
    h('label', { for: 'new-account-type' }, 'Type'), type,
    h('label', { for: 'new-account-parent' }, 'Vendor of the customer'),
    h('select', { id: 'new-account-parent' }, ...vendors.map(v => h('option', { value: v.id }, v.name))),
    errorText('account-error'), h('button', { type: 'submit' }, 'Create account'));
  return form;
}

// ---------- Connection check ----------
async function check() {
  const result = h('div', { id: 'check-result', 'aria-live': 'polite' });
  const form = h('form', { id: 'check-form', class: 'panel', onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const body = { host: form.querySelector('#check-host').value, port: Number(form.querySelector('#check-port').value),
      protocol: form.querySelector('#check-protocol').value };
    const dn = form.querySelector('#check-bind-dn').value;
    if (dn) { body.bindDn = dn; body.bindPassword = form.querySelector('#check-bind-password').value; }
    try {
      const r = await api('POST', `${base()}/trust/check`, body);
      form.querySelector('#check-bind-password').value = '';
      result.replaceChildren(checkResult(r, body));
    } catch (p) { showError('check-error', p); }
  } },
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'check-host' }, 'Server'), h('input', { id: 'check-host', required: true, placeholder: 'dc01.example.com' })),
      h('div', {}, h('label', { for: 'check-port' }, 'Port'), h('input', { id: 'check-port', type: 'number', value: '636', min: '1', max: '65535' })),
      h('div', {}, h('label', { for: 'check-protocol' }, 'Protocol'), h('select', { id: 'check-protocol' },
        ...['LDAPS', 'LDAP_STARTTLS', 'HTTPS', 'SMTPS', 'SMTP_STARTTLS'].map(p => h('option', { value: p }, p.replace('_', ' ')))))),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'check-bind-dn' }, 'Bind DN (optional, LDAP)'), h('input', { id: 'check-bind-dn' })),
      h('div', {}, h('label', { for: 'check-bind-password' }, 'Bind password'), h('input', { id: 'check-bind-password', type: 'password', autocomplete: 'off' }))),
    errorText('check-error'), h('button', { type: 'submit' }, 'Check'));
  view().replaceChildren(h('h1', {}, 'Connection check'),
    h('p', { class: 'hint' }, 'Connects as the platform would for this account and judges the server\'s certificate with the account\'s trusted CAs.'),
    form, result);
}

function checkResult(r, target) {
  const verdict = r.validation.ok ? h('p', { class: 'badge ok', id: 'check-verdict' }, 'Trusted')
    : h('p', { id: 'check-verdict', class: 'error' }, `${r.validation.code}: ${r.validation.message}`);
  const parts = [verdict];
  if (r.tlsVersion) parts.push(h('p', {}, `${r.tlsVersion}, ${r.cipherSuite}; host name ${r.hostnameMatches ? 'matches' : 'does not match'}.`));
  if (r.ldapBind) parts.push(h('p', { id: 'check-bind' }, `Bind: ${r.ldapBind.ok ? 'ok' : r.ldapBind.attempted ? 'refused' : 'not attempted'} — ${r.ldapBind.message}`));
  if (r.revocation) parts.push(h('p', { class: 'hint' }, `Revocation: ${r.revocation}`));
  if (r.presentedChain.length) parts.push(h('table', { id: 'presented-chain' },
    h('thead', {}, h('tr', {}, ...['Subject', 'Issuer', 'Expires', 'SHA-256'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, r.presentedChain.map(c => h('tr', {}, h('td', {}, c.subject), h('td', {}, c.issuer), h('td', {}, when(c.notAfter)), h('td', {}, short(c.sha256)))))));
  if (r.suggestedCa) {
    parts.push(h('p', {}, `The issuer to trust: ${r.suggestedCa.subject}, SHA-256 `, h('code', { class: 'mono' }, r.suggestedCa.sha256), '.'),
      h('button', { type: 'button', id: 'trust-this-ca', onclick: async () => {
        try {
          await api('POST', `${base()}/trusted-cas/from-check`, { ...target, sha256: r.suggestedCa.sha256, bindDn: undefined, bindPassword: undefined });
          toast('CA trusted. Check again.');
        } catch (p) { toast(p.message); }
      } }, 'Trust this CA'));
  }
  return h('div', { class: 'panel' }, ...parts);
}

// ---------- Audit log ----------
async function audit() {
  const log = await api('GET', `${base()}/audit?limit=200`);
  const entries = log.entries || [];
  view().replaceChildren(h('h1', {}, 'Audit log'),
    entries.length ? h('table', { id: 'audit-log' }, h('thead', {}, h('tr', {}, ...['When', 'Who', 'What', 'Detail'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, entries.map(e => h('tr', {}, h('td', {}, when(e.occurredAt)), h('td', {}, e.actor), h('td', {}, e.action.toLowerCase().replaceAll('_', ' ')),
        h('td', {}, e.detail || ''))))) : h('p', {}, 'Nothing recorded yet.'));
}

// ---------- start ----------
document.getElementById('sign-in-form').addEventListener('submit', signIn);
document.getElementById('sign-out').addEventListener('click', async () => {
  try { await api('DELETE', '/api/v1/auth/session'); } catch (e) { /* signed out anyway */ }
  location.hash = '';
  showSignIn();
});
document.getElementById('account-switcher').addEventListener('change', event => go(event.target.value, state.tab));
let searchTimer = null;
document.getElementById('account-search').addEventListener('input', event => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => searchAccounts(event.target.value).catch(problem => toast(problem.message)), 250);
});
window.addEventListener('hashchange', route);
api('GET', '/api/v1/auth/session').then(started).catch(showSignIn);
