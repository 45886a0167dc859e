// Every action is confirmed in one modal <dialog>: keyboard-friendly (focus moves in, Escape cancels), labelled
// fields, and the host's refusal shown in the dialog instead of closing it.
import { el } from './format.js';

const dialog = document.getElementById('dialog');
const form = document.getElementById('dialog-form');
const title = document.getElementById('dialog-title');
const body = document.getElementById('dialog-body');
const error = document.getElementById('dialog-error');
const ok = document.getElementById('dialog-ok');
const cancel = document.getElementById('dialog-cancel');
let fieldCount = 0;

/** A labelled field: `input` is an <input>, <textarea> or <select>. */
export function field(labelText, input, help) {
  const wrapper = el('div', null, 'field');
  input.id = `dialog-field-${++fieldCount}`;
  const label = el('label', labelText);
  label.htmlFor = input.id;
  wrapper.append(label);
  if (help) {
    const note = el('p', help, 'muted');
    note.id = input.id + '-help';
    input.setAttribute('aria-describedby', note.id);
    wrapper.append(note);
  }

  wrapper.append(input);
  return wrapper;
}

export function showError(message) {
  error.textContent = message ?? '';
  error.hidden = !message;
}

export function setOkEnabled(enabled, label) {
  ok.disabled = !enabled;
  if (label) {
    ok.textContent = label;
  }
}

export const isOpen = () => dialog.open;

/**
 * Opens the dialog; resolves with what `onOk` returned, or null when cancelled. `onOk` may throw: its message is
 * shown and the dialog stays open.
 */
export function ask({ heading, content = [], okLabel = 'OK', danger = false, okDisabled = false, onOk }) {
  return new Promise((resolve) => {
    title.textContent = heading;
    body.replaceChildren(...content);
    showError(null);
    ok.textContent = okLabel;
    ok.className = danger ? 'danger' : '';
    ok.disabled = okDisabled;

    const close = (result) => {
      form.removeEventListener('submit', submit);
      cancel.removeEventListener('click', dismiss);
      dialog.removeEventListener('cancel', dismiss);
      dialog.close();
      resolve(result);
    };
    const dismiss = (event) => {
      event.preventDefault();
      close(null);
    };
    const submit = async (event) => {
      event.preventDefault();
      if (ok.disabled) {
        return;
      }

      ok.disabled = true;
      try {
        close((await onOk()) ?? true);
      } catch (failure) {
        showError(failure.message);
        ok.disabled = false;
      }
    };

    form.addEventListener('submit', submit);
    cancel.addEventListener('click', dismiss);
    dialog.addEventListener('cancel', dismiss);
    dialog.showModal();
    (body.querySelector('input, textarea, select') ?? cancel).focus();
  });
}
