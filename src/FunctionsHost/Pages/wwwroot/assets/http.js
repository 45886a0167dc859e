// Talks to this host only: every URL, including the links a 202 hands out, is reduced to its path and query, so no
// request can leave the page's origin (the Content-Security-Policy says the same). POSTs with a body send JSON.

/** A refused request: the status and the host's own words about it. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The path and query of a URL (absolute or relative), resolved against this page. */
export function sameOrigin(url) {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
}

/**
 * Sends a request and parses its JSON answer.
 * @param {string} url path or absolute URL (only its path and query are used)
 * @param {{method?: string, json?: unknown, key?: string|null, headers?: Record<string,string>}} options
 * @returns {Promise<{status: number, data: any, headers: Headers}>}
 */
export async function request(url, { method = 'GET', json, key = null, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const init = { method, headers: sent, cache: 'no-store', credentials: 'same-origin', redirect: 'error' };
  if (key) {
    sent['x-functions-key'] = key;
  }

  if (json !== undefined) {
    sent['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }

  let response;
  try {
    response = await fetch(sameOrigin(url), init);
  } catch {
    throw new ApiError(0, 'The host did not answer. Is it still running?', null);
  }

  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }

  if (!response.ok) {
    throw new ApiError(response.status, describe(response, data), data);
  }

  return { status: response.status, data, headers: response.headers };
}

/** The host's own message (functions answer {error}, the management API {Message}), else the status. */
function describe(response, data) {
  if (data && typeof data === 'object') {
    const text = data.error ?? data.Message;
    if (typeof text === 'string' && text) {
      return text;
    }
  }

  if (typeof data === 'string' && data.length > 0 && data.length < 500) {
    return data;
  }

  return `The host answered ${response.status} ${response.statusText}.`.replace(' .', '.');
}

/** The pages' settings: whether keys are required, whether the development outbox is served. */
export async function pageSettings() {
  return (await request('/assets/settings.json')).data;
}

/** A key kept for this tab only (sessionStorage): gone when the tab closes, never written anywhere else. */
export const sessionKey = {
  get(name) {
    return sessionStorage.getItem(name);
  },
  set(name, value) {
    if (value) {
      sessionStorage.setItem(name, value);
    } else {
      sessionStorage.removeItem(name);
    }
  },
};
