// The dashboard's shell: the key prompt when keys are enforced, hash routing between the list (#/) and one
// instance (#/instances/{id}), and live refresh.
//
// Live refresh is conditional polling: every 2 s, while the tab is visible, no dialog is open and auto-refresh is
// on, the current view asks the management API again and redraws only when something changed. The store has no
// change feed (the engine itself polls it), so server-sent events would only move the same polling into the host.
import { ApiError, pageSettings } from '/assets/http.js';
import * as api from './api.js';
import { isOpen } from './dialogs.js';
import { initDetail, showInstance } from './detail.js';
import { initList, refreshList } from './list.js';

const REFRESH_MS = 2000;
const $ = (id) => document.getElementById(id);
let settings = { keysRequired: false };
let busy = false;

function notify(text, tone = 'ok') {
  const notice = $('notice');
  notice.textContent = text ?? '';
  notice.className = 'message ' + tone;
  notice.hidden = !text;
}

function onError(error) {
  if (error instanceof ApiError && error.status === 401 && settings.keysRequired) {
    // The key was rotated or removed while the page was open: ask again, show nothing meanwhile.
    api.key.set(null);
    askForKey('The host no longer accepts the key of this tab. Enter a valid key.');
    return;
  }

  notify(error instanceof ApiError ? error.message : String(error?.message ?? error), 'bad');
}

function askForKey(message) {
  $('list-view').hidden = true;
  $('detail-view').hidden = true;
  $('forget-key').hidden = true;
  $('key-form').hidden = false;
  $('key-error').hidden = !message;
  $('key-error').textContent = message ?? '';
  $('key').focus();
}

async function useKey(event) {
  event.preventDefault();
  const candidate = $('key').value.trim();
  try {
    await api.checkKey(candidate);
  } catch (error) {
    const refused = error instanceof ApiError && error.status === 401;
    askForKey(refused
      ? 'That key was refused. Use the master key or the durabletask_extension system key from the keys file.'
      : error.message);
    return;
  }

  api.key.set(candidate);
  $('key').value = '';
  $('key-form').hidden = true;
  $('forget-key').hidden = false;
  await route();
}

function instanceFromHash() {
  const match = /^#\/instances\/(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

async function route(force = true) {
  if (!$('key-form').hidden) {
    return;
  }

  const id = instanceFromHash();
  $('list-view').hidden = id !== null;
  $('detail-view').hidden = id === null;
  busy = true;
  try {
    if (id === null) {
      await refreshList(force);
    } else {
      await showInstance(id, force);
    }
  } catch (error) {
    onError(error);
  } finally {
    busy = false;
  }
}

function live() {
  const due = $('auto-refresh').checked && document.visibilityState === 'visible' && !isOpen() && !busy;
  if (due) {
    route(false);
  }
}

async function boot() {
  initList({ notify, onError });
  initDetail({ notify, onError });
  $('key-form').addEventListener('submit', useKey);
  $('forget-key').addEventListener('click', () => {
    api.key.set(null);
    askForKey(null);
  });
  window.addEventListener('hashchange', () => {
    notify(null);
    route();
  });
  document.addEventListener('visibilitychange', live);
  setInterval(live, REFRESH_MS);

  try {
    settings = await pageSettings();
  } catch (error) {
    notify('The host did not answer. Reload the page to try again.', 'bad');
    return;
  }

  if (settings.keysRequired && !api.key.get()) {
    askForKey(null);
  } else {
    $('forget-key').hidden = !settings.keysRequired;
    await route();
  }

  document.body.dataset.ready = 'true';
}

boot();
