// The instance list: filters, status buttons with the host's counts per status, newest first (ordered and paged by
// the host), pages of 25, purge by filter with a preview.
import * as api from './api.js';
import { ask, field, setOkEnabled, showError } from './dialogs.js';
import { el, formatJson, formatTime, utcFromInput } from './format.js';

const PAGE_SIZE = 25;
const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated'];
const FIRST = { token: '', skip: 0 };
const PURGEABLE = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const $ = (id) => document.getElementById(id);

// starts[n] is where page n begins: the API's continuation token and how many rows of that API page that match the
// name filter (applied here; the API has none) earlier pages already showed. Always 0 without a name filter.
const state = { page: 0, starts: [FIRST], next: null, filterKey: null, signature: null };

function readFilter() {
  return {
    status: $('f-status').value,
    name: $('f-name').value.trim().toLowerCase(),
    prefix: $('f-prefix').value.trim(),
    from: utcFromInput($('f-from').value),
    to: utcFromInput($('f-to').value),
  };
}

/** One page of 25 from `start`, newest first, and where the following page begins (null after the last). */
async function readPage(filter, start) {
  const apiFilter = { from: filter.from, to: filter.to, prefix: filter.prefix, statuses: filter.status ? [filter.status] : [] };
  const named = (r) => !filter.name || (r.name ?? '').toLowerCase().includes(filter.name);
  const rows = [];
  let { token, skip } = start;
  for (;;) {
    const page = await api.listPage(apiFilter, token, { top: PAGE_SIZE, newestFirst: true });
    const matches = page.rows.filter(named);
    const used = Math.min(matches.length, skip + PAGE_SIZE - rows.length);
    rows.push(...matches.slice(skip, used));
    if (rows.length === PAGE_SIZE && used < matches.length) {
      return { rows, next: { token, skip: used } };
    }

    if (!page.next) {
      return { rows, next: null };
    }

    if (rows.length === PAGE_SIZE) {
      return { rows, next: { token: page.next, skip: 0 } };
    }

    token = page.next;
    skip = 0;
  }
}

/**
 * Reloads the page shown. The host orders and pages (orderBy=createdTime desc, over x-ms-continuation-token), so
 * nothing is read beyond this page however many instances there are. A changed filter starts at page 1. Redraws
 * only when something changed, so live refresh does not disturb the reader.
 */
export async function refreshList(force = false) {
  const filter = readFilter();
  const filterKey = JSON.stringify(filter);
  if (filterKey !== state.filterKey) {
    state.filterKey = filterKey;
    state.page = 0;
  }

  state.starts.length = state.page + 1;
  const [{ rows, next }, counts] = await Promise.all([readPage(filter, state.starts[state.page]), readCounts()]);
  if (rows.length === 0 && state.page > 0) {
    // The instances of this page were purged meanwhile: back to the newest.
    state.page = 0;
    return refreshList(true);
  }

  if (next) {
    state.starts.push(next);
  }

  state.next = next;
  const signature = JSON.stringify([filter, state.page, next, counts, rows.map((r) => [r.instanceId, r.runtimeStatus, r.lastUpdatedTime])]);
  if (!force && signature === state.signature) {
    return;
  }

  state.signature = signature;
  renderStatusButtons(filter.status, counts);
  renderPage(rows);
  $('list-info').textContent = `${rows.length} ${rows.length === 1 ? 'instance' : 'instances'} on this page, newest first.`;
}

/**
 * The store's counts per status (one indexed query on the host, whatever the number of instances), or null when the
 * host cannot count: the buttons then show no numbers and the list still works.
 */
async function readCounts() {
  try {
    return await api.counts();
  } catch (error) {
    if (error.status === 401) {
      throw error;
    }

    return null;
  }
}

function renderStatusButtons(selected, counts) {
  const total = counts ? Object.values(counts).reduce((sum, n) => sum + n, 0) : null;
  const items = [['', 'All', total], ...STATUSES.map((s) => [s, s, counts ? counts[s] ?? 0 : null])];
  $('status-buttons').replaceChildren(...items.map(([status, text, count]) => {
    const li = document.createElement('li');
    const button = el('button', text);
    if (count !== null) {
      button.append(' ', el('span', String(count), 'count'));
    }

    button.type = 'button';
    button.dataset.status = status;
    button.setAttribute('aria-pressed', String(status === selected));
    button.addEventListener('click', () => {
      $('f-status').value = status;
      refreshList(true);
    });
    li.append(button);
    return li;
  }));
}

function renderPage(rows) {
  $('instances').tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.instanceId = r.instanceId;
    const id = document.createElement('td');
    const link = el('a', r.instanceId);
    link.href = '#/instances/' + encodeURIComponent(r.instanceId);
    id.append(link);
    const status = el('td');
    status.append(el('span', r.runtimeStatus, 'status status-' + r.runtimeStatus));
    const json = (value) => {
      const td = el('td', formatJson(value), 'json');
      td.title = formatJson(value);
      return td;
    };
    tr.append(id, el('td', r.name), status, el('td', formatTime(r.createdTime)), el('td', formatTime(r.lastUpdatedTime)),
      json(r.input), json(r.output), json(r.customStatus));
    return tr;
  }));
  $('page-label').textContent = `Page ${state.page + 1}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.next === null;
}

/** Purge many: the DELETE's own filter (created range, finished statuses), previewed with the list API first. */
async function purgeByFilter() {
  const list = readFilter();
  const from = document.createElement('input');
  from.type = 'datetime-local';
  from.step = '1';
  from.value = $('f-from').value || '2000-01-01T00:00:00';
  const to = document.createElement('input');
  to.type = 'datetime-local';
  to.step = '1';
  to.value = $('f-to').value;
  const statuses = document.createElement('fieldset');
  statuses.append(el('legend', 'Finished statuses to purge'));
  for (const s of PURGEABLE) {
    const label = el('label', null, 'inline');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = s;
    box.checked = !list.status || list.status === s;
    label.append(box, ` ${s}`);
    statuses.append(label);
  }

  const preview = el('button', 'Preview', 'secondary');
  preview.type = 'button';
  const result = el('p', 'Preview first: the purge button counts what it will delete.', 'muted');
  result.setAttribute('aria-live', 'polite');
  let previewed = null;

  const current = () => ({
    from: utcFromInput(from.value),
    // Pinned to the preview's time when empty, so instances created later are not purged unseen.
    to: utcFromInput(to.value) || new Date().toISOString(),
    statuses: [...statuses.querySelectorAll('input:checked')].map((b) => b.value),
  });
  const invalidate = () => {
    previewed = null;
    setOkEnabled(false, 'Purge');
  };
  [from, to, statuses].forEach((input) => input.addEventListener('input', invalidate));
  preview.addEventListener('click', async () => {
    showError(null);
    const filter = current();
    if (!filter.from || filter.statuses.length === 0) {
      showError('Give a created-from time and at least one status.');
      return;
    }

    try {
      const count = await api.countPurgeable(filter);
      previewed = filter;
      result.textContent = `${count} finished ${count === 1 ? 'instance matches' : 'instances match'} this filter.`;
      setOkEnabled(count > 0, `Purge ${count} ${count === 1 ? 'instance' : 'instances'}`);
    } catch (error) {
      showError(error.message);
    }
  });

  const note = el('p', 'Purging deletes the history of finished instances for good. Name and ID prefix do not apply to a purge.', 'muted');
  const purged = await ask({
    heading: 'Purge instances by filter',
    content: [note, field('Created from (UTC)', from), field('Created to (UTC)', to), statuses, preview, result],
    okLabel: 'Purge',
    danger: true,
    okDisabled: true,
    onOk: async () => (await api.purgeMany(previewed)).instancesDeleted,
  });
  return purged;
}

export function initList({ notify, onError }) {
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filterKey = null;
    refreshList(true).catch(onError);
  });
  $('prev').addEventListener('click', () => {
    state.page--;
    refreshList(true).catch(onError);
  });
  $('next').addEventListener('click', () => {
    state.page++;
    refreshList(true).catch(onError);
  });
  $('purge-many').addEventListener('click', async () => {
    const deleted = await purgeByFilter().catch(onError);
    if (deleted) {
      notify(`Purged ${deleted} ${deleted === 1 ? 'instance' : 'instances'}.`);
      refreshList(true).catch(onError);
    }
  });
}
