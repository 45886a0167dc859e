// The dashboard's only doors to data: the Durable management API under /runtime/webhooks/durabletask and the host's
// counts per status (/dashboard/api/counts, same keys), with the key of this tab as x-functions-key (none when the
// host does not enforce keys).
import { request, sessionKey } from '/assets/http.js';

export const BASE = '/runtime/webhooks/durabletask';
const KEY_NAME = 'functionsHost.dashboardKey';
const PAGE = 1000;
const enc = encodeURIComponent;

export const key = {
  get: () => sessionKey.get(KEY_NAME),
  set: (value) => sessionKey.set(KEY_NAME, value),
};

const call = (path, options = {}) => request(BASE + path, { ...options, key: key.get() });

/** Throws ApiError 401 when the host refuses the key. */
export async function checkKey(candidate) {
  await request(BASE + '/instances?top=1&showInput=false', { key: candidate });
}

function listQuery({ from, to, prefix, statuses }, { top = PAGE, showInput = true, newestFirst = false }) {
  const query = new URLSearchParams({ top: String(top), showInput: String(showInput) });
  // This host's extension to the management API: newest first, paged by the store like the default order.
  if (newestFirst) query.set('orderBy', 'createdTime desc');
  if (from) query.set('createdTimeFrom', from);
  if (to) query.set('createdTimeTo', to);
  if (prefix) query.set('instanceIdPrefix', prefix);
  if (statuses && statuses.length > 0) query.set('runtimeStatus', statuses.join(','));
  return query;
}

/**
 * One page of instances matching the API-side filter, after the continuation `token` ('' for the first page);
 * `next` is the token of the following page, '' after the last.
 */
export async function listPage(filter, token, options = {}) {
  const { data, headers } = await call('/instances?' + listQuery(filter, options), { headers: token ? { 'x-ms-continuation-token': token } : {} });
  return { rows: data, next: headers.get('x-ms-continuation-token') ?? '' };
}

/** Every instance matching the API-side filter, following x-ms-continuation-token page by page. */
export async function listAll(filter, options = {}) {
  const rows = [];
  let token = '';
  do {
    const page = await listPage(filter, token, options);
    rows.push(...page.rows);
    token = page.next;
  } while (token);
  return rows;
}

/** Instances per runtime status ({Running: n, ...}), counted by the store for this task hub. */
export const counts = async () => (await request('/dashboard/api/counts', { key: key.get() })).data;

export const getStatus = async (id) => (await call(`/instances/${enc(id)}?showHistory=true&showInput=true`)).data;

export const raiseEvent = (id, name, data) =>
  call(`/instances/${enc(id)}/raiseEvent/${enc(name)}`, { method: 'POST', json: data });

/** terminate, suspend or resume, with an optional reason. */
export const control = (id, operation, reason) =>
  call(`/instances/${enc(id)}/${operation}${reason ? '?reason=' + enc(reason) : ''}`, { method: 'POST' });

/** Starts a new instance with the same name and input; returns the new instance's check-status payload. */
export const restart = async (id) => (await call(`/instances/${enc(id)}/restart`, { method: 'POST' })).data;

export const purgeOne = async (id) => (await call(`/instances/${enc(id)}`, { method: 'DELETE' })).data;

/** How many finished instances a purge with this filter would delete (the same filter the DELETE gets). */
export async function countPurgeable(filter) {
  return (await listAll(filter, { showInput: false })).length;
}

export async function purgeMany(filter) {
  const query = new URLSearchParams({ createdTimeFrom: filter.from, createdTimeTo: filter.to, runtimeStatus: filter.statuses.join(',') });
  return (await call('/instances?' + query, { method: 'DELETE' })).data;
}
