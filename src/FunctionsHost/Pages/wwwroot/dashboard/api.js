// The dashboard's only door to data: the Durable management API under /runtime/webhooks/durabletask, with the key
// of this tab as x-functions-key (none when the host does not enforce keys).
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

function listQuery({ from, to, prefix, statuses }, showInput) {
  const query = new URLSearchParams({ top: String(PAGE), showInput: String(showInput) });
  if (from) query.set('createdTimeFrom', from);
  if (to) query.set('createdTimeTo', to);
  if (prefix) query.set('instanceIdPrefix', prefix);
  if (statuses && statuses.length > 0) query.set('runtimeStatus', statuses.join(','));
  return query;
}

/**
 * Every instance matching the API-side filter, following x-ms-continuation-token page by page (the API lists in
 * creation order, oldest first; the caller sorts newest first). Stops after `max` instances and says so.
 */
export async function listAll(filter, { max = 10000, showInput = true } = {}) {
  const query = listQuery(filter, showInput);
  const rows = [];
  let token = '';
  do {
    const { data, headers } = await call('/instances?' + query, { headers: token ? { 'x-ms-continuation-token': token } : {} });
    rows.push(...data);
    token = headers.get('x-ms-continuation-token') ?? '';
  } while (token && rows.length < max);
  return { rows, truncated: token !== '' };
}

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
  const { rows, truncated } = await listAll(filter, { max: Number.MAX_SAFE_INTEGER, showInput: false });
  return { count: rows.length, truncated };
}

export async function purgeMany(filter) {
  const query = new URLSearchParams({ createdTimeFrom: filter.from, createdTimeTo: filter.to, runtimeStatus: filter.statuses.join(',') });
  return (await call('/instances?' + query, { method: 'DELETE' })).data;
}
