// How the dashboard writes times, offsets and JSON values: UTC everywhere (the API's own times are UTC).

/** "2026-12-06 16:39:45.777Z" for an ISO time or epoch milliseconds; "" when absent. */
export function formatTime(value) {
  if (value === null || value === undefined || value === '') {
    return '';
  }

  const date = new Date(typeof value === 'number' ? value : Date.parse(value));
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** A duration in milliseconds as "+1.234 s" or "+2 min 5.0 s". */
export function formatOffset(ms, sign = '+') {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) {
    return `${sign}${seconds.toFixed(3)} s`;
  }

  const minutes = Math.floor(seconds / 60);
  return `${sign}${minutes} min ${(seconds - minutes * 60).toFixed(1)} s`;
}

/** A JSON value on one line; "" for null or absent. */
export function formatJson(value) {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** A JSON value indented, for the detail view. */
export function formatJsonBlock(value) {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value, null, 2);
}

/** "2026-12-06T16:39:45" from a datetime-local input, read as UTC; "" when empty or invalid. */
export function utcFromInput(text) {
  if (!text) {
    return '';
  }

  const ms = Date.parse(text + 'Z');
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** Creates an element with text content (never HTML: everything shown comes from instance data). */
export function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined && text !== null) {
    element.textContent = text;
  }

  if (className) {
    element.className = className;
  }

  return element;
}

export const TERMINAL = ['Completed', 'Failed', 'Terminated', 'Canceled', 'ContinuedAsNew'];
export const isTerminal = (status) => TERMINAL.includes(status);
