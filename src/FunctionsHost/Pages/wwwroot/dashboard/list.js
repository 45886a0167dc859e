// The instance list: filters, counts per status, newest first, pages of 25, purge by filter with a preview.
import * as api from './api.js';
import { ask, field, setOkEnabled, showError } from './dialogs.js';
import { el, formatJson, formatTime, utcFromInput } from './format.js';

const PAGE_SIZE = 25;
const MAX_ROWS = 10000;
const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated'];
const PURGEABLE = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const $ = (id) => document.getElementById(id);

const state = { page: 0, rows: [], signature: null };

function readFilter() {
  return {
    status: $('f-status').value,
    name: $('f-name').value.trim().toLowerCase(),
    prefix: $('f-prefix').value.trim(),
    from: utcFromInput($('f-from').value),
    to: utcFromInput($('f-to').value),
  };
}

/**
 * Reloads the list. Status and name are filtered here (so the counts cover every status); created range and id
 * prefix go to the API. Redraws only when something changed, so live refresh does not disturb the reader.
 */
export async function refreshList(force = false) {
  const filter = readFilter();
  const { rows, truncated } = await api.listAll({ from: filter.from, to: filter.to, prefix: filter.prefix }, { max: MAX_ROWS });
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const row of rows) {
    counts[row.runtimeStatus] = (counts[row.runtimeStatus] ?? 0) + 1;
  }

  const shown = rows
    .filter((r) => !filter.status || r.runtimeStatus === filter.status)
    .filter((r) => !filter.name || (r.name ?? '').toLowerCase().includes(filter.name))
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || b.instanceId.localeCompare(a.instanceId));
  const signature = JSON.stringify([filter, truncated, counts, shown.map((r) => [r.instanceId, r.runtimeStatus, r.lastUpdatedTime])]);
  if (!force && signature === state.signature) {
    return;
  }

  state.signature = signature;
  state.rows = shown;
  state.page = Math.min(state.page, Math.max(0, Math.ceil(shown.length / PAGE_SIZE) - 1));
  renderCounts(counts, rows.length, filter.status);
  renderPage();
  $('list-info').textContent = truncated
    ? `More than ${MAX_ROWS} instances match: only the first ${MAX_ROWS} created are read. Narrow the created range or the ID prefix.`
    : `${shown.length} of ${rows.length} instances shown by the filter, newest first.`;
}

function renderCounts(counts, total, selected) {
  const items = [['', `All ${total}`], ...STATUSES.map((s) => [s, `${s} ${counts[s]}`])];
  $('counts').replaceChildren(...items.map(([status, text]) => {
    const li = document.createElement('li');
    const button = el('button', text);
    button.type = 'button';
    button.dataset.status = status;
    button.setAttribute('aria-pressed', String(status === selected));
    button.addEventListener('click', () => {
      $('f-status').value = status;
      state.page = 0;
      refreshList(true);
    });
    li.append(button);
    return li;
  }));
}

function renderPage() {
  const pages = Math.max(1, Math.ceil(state.rows.length / PAGE_SIZE));
  const rows = state.rows.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
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
  $('page-label').textContent = `Page ${state.page + 1} of ${pages}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.page >= pages - 1;
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
      const { count } = await api.countPurgeable(filter);
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
    state.page = 0;
    refreshList(true).catch(onError);
  });
  $('prev').addEventListener('click', () => { state.page--; renderPage(); });
  $('next').addEventListener('click', () => { state.page++; renderPage(); });
  $('purge-many').addEventListener('click', async () => {
    const deleted = await purgeByFilter().catch(onError);
    if (deleted) {
      notify(`Purged ${deleted} ${deleted === 1 ? 'instance' : 'instances'}.`);
      refreshList(true).catch(onError);
    }
  });
}
