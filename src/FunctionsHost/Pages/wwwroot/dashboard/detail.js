// One instance: its status, input, output, custom status, the timeline, and the actions, each confirmed first.
import * as api from './api.js';
import { ask, field, setOkEnabled, showError } from './dialogs.js';
import { formatJsonBlock, formatTime, isTerminal } from './format.js';
import { buildTimeline, renderTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const state = { id: null, signature: null, status: null };

/** Loads and shows `id`; redraws only when its status changed (live refresh). Returns whether it is still running. */
export async function showInstance(id, force = false) {
  if (id !== state.id) {
    state.signature = null;
  }

  state.id = id;
  const status = await api.getStatus(id);
  const signature = JSON.stringify([status.runtimeStatus, status.lastUpdatedTime, status.customStatus, status.historyEvents?.length]);
  if (!force && signature === state.signature) {
    return !isTerminal(status.runtimeStatus);
  }

  state.signature = signature;
  state.status = status;
  $('d-id').textContent = status.instanceId;
  $('d-name').textContent = status.name;
  $('d-status').replaceChildren(Object.assign(document.createElement('span'), { textContent: status.runtimeStatus, className: 'status status-' + status.runtimeStatus }));
  $('d-created').textContent = formatTime(status.createdTime);
  $('d-updated').textContent = formatTime(status.lastUpdatedTime);
  $('d-input').textContent = formatJsonBlock(status.input);
  $('d-output').textContent = formatJsonBlock(status.output);
  $('d-custom').textContent = formatJsonBlock(status.customStatus);
  renderTimeline(buildTimeline(status), $('timeline-chart'), $('timeline').tBodies[0]);

  const s = status.runtimeStatus;
  const enabled = {
    raise: !isTerminal(s),
    suspend: s === 'Running' || s === 'Pending',
    resume: s === 'Suspended',
    terminate: !isTerminal(s),
    restart: true,
    purge: isTerminal(s),
  };
  for (const button of document.querySelectorAll('#detail-view [data-action]')) {
    button.disabled = !enabled[button.dataset.action];
  }

  return !isTerminal(s);
}

function input(value = '') {
  const element = document.createElement('input');
  element.type = 'text';
  element.value = value;
  return element;
}

async function raise(id) {
  const name = input('SmsChallengeResponse');
  const data = document.createElement('textarea');
  data.spellcheck = false;
  data.placeholder = '"2168"';
  const validate = () => {
    const text = data.value.trim();
    if (!name.value.trim()) {
      showError('Give the event a name.');
      setOkEnabled(false);
      return undefined;
    }

    try {
      const value = text === '' ? null : JSON.parse(text);
      showError(null);
      setOkEnabled(true);
      return { value };
    } catch (error) {
      showError(`The event data is not valid JSON: ${error.message}`);
      setOkEnabled(false);
      return undefined;
    }
  };
  name.addEventListener('input', validate);
  data.addEventListener('input', validate);
  return ask({
    heading: `Raise an event on ${id}`,
    content: [field('Event name', name), field('Event data (JSON)', data, 'Any JSON value, e.g. "2168", 2168 or {"a": 1}. Empty sends null.')],
    okLabel: 'Raise event',
    onOk: async () => {
      const checked = validate();
      if (!checked) {
        throw new Error('Fix the event first.');
      }

      await api.raiseEvent(id, name.value.trim(), checked.value);
      return `Event ${name.value.trim()} raised on ${id}.`;
    },
  });
}

async function control(id, operation) {
  const reason = input();
  const verb = operation[0].toUpperCase() + operation.slice(1);
  return ask({
    heading: `${verb} ${id}?`,
    content: [field('Reason (optional)', reason)],
    okLabel: verb,
    danger: operation === 'terminate',
    onOk: async () => {
      await api.control(id, operation, reason.value.trim());
      return `${verb} requested for ${id}.`;
    },
  });
}

async function restart(id) {
  return ask({
    heading: `Restart ${id}?`,
    content: [Object.assign(document.createElement('p'), { textContent: 'A new instance starts with the same name and input; this one is left as it is.' })],
    okLabel: 'Restart',
    onOk: async () => {
      const payload = await api.restart(id);
      state.id = null;
      location.hash = '#/instances/' + encodeURIComponent(payload.id);
      return `Restarted as ${payload.id}.`;
    },
  });
}

async function purge(id) {
  return ask({
    heading: `Purge ${id}?`,
    content: [Object.assign(document.createElement('p'), { textContent: 'Its status and history are deleted for good.' })],
    okLabel: 'Purge',
    danger: true,
    onOk: async () => {
      await api.purgeOne(id);
      state.id = null;
      location.hash = '#/';
      return `Purged ${id}.`;
    },
  });
}

export function initDetail({ notify, onError }) {
  const actions = { raise, suspend: (id) => control(id, 'suspend'), resume: (id) => control(id, 'resume'), terminate: (id) => control(id, 'terminate'), restart, purge };
  for (const button of document.querySelectorAll('#detail-view [data-action]')) {
    button.addEventListener('click', async () => {
      const id = state.id;
      try {
        const done = await actions[button.dataset.action](id);
        if (done) {
          notify(done);
          if (state.id === id) {
            await showInstance(id, true);
          }
        }
      } catch (error) {
        onError(error);
      }
    });
  }
}
