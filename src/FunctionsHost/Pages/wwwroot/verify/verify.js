// The end-user page: only the sample's public contract. HttpStart starts a verification; the 202's links
// (sendEventPostUri, statusQueryGetUri) answer it and follow it. Attempts left and the deadline come from the
// orchestrator's custom status; nothing here knows the code.
import { ApiError, pageSettings, request, sameOrigin, sessionKey } from '/assets/http.js';

const START_PATH = '/orchestrators/E4_SmsPhoneVerification';
const EVENT_NAME = 'SmsChallengeResponse';
const KEY_NAME = 'functionsHost.functionKey';
const POLL_MS = 1000;

const $ = (id) => document.getElementById(id);
const ui = {
  keyForm: $('key-form'), key: $('function-key'),
  phoneForm: $('phone-form'), phone: $('phone'), send: $('send'),
  codeForm: $('code-form'), sent: $('sent'), countdown: $('countdown'), code: $('code'), verify: $('verify'),
  message: $('message'), restart: $('restart'),
  outbox: $('outbox'), outboxEmpty: $('outbox-empty'), outboxMessage: $('outbox-message'),
};

let settings = { keysRequired: false, devOutbox: false };

/** The verification under way: its links and what its status said last. */
let current = null;

function show(text, tone, outcome) {
  ui.message.hidden = !text;
  ui.message.textContent = text ?? '';
  ui.message.className = 'message' + (tone ? ' ' + tone : '');
  if (outcome) {
    ui.message.dataset.outcome = outcome;
  } else {
    delete ui.message.dataset.outcome;
  }
}

function formatRemaining(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function reset() {
  if (current) {
    current.stopped = true;
    clearTimeout(current.pollTimer);
    clearInterval(current.clock);
  }

  current = null;
  ui.phoneForm.hidden = false;
  ui.codeForm.hidden = true;
  ui.restart.hidden = true;
  ui.send.disabled = false;
  ui.verify.disabled = false;
  ui.code.value = '';
  ui.outbox.hidden = true;
  show(null);
  ui.phone.focus();
}

async function start(event) {
  event.preventDefault();
  const phone = ui.phone.value.trim();
  if (!phone) {
    show('Enter your phone number, e.g. +14255550123.', 'bad');
    ui.phone.focus();
    return;
  }

  if (settings.keysRequired) {
    sessionKey.set(KEY_NAME, ui.key.value.trim());
  }

  ui.send.disabled = true;
  show('Sending a code…');
  try {
    const { data } = await request(START_PATH, { method: 'POST', json: phone, key: sessionKey.get(KEY_NAME) });
    current = {
      phone,
      statusPath: sameOrigin(data.statusQueryGetUri),
      eventPath: sameOrigin(data.sendEventPostUri.replace('{eventName}', EVENT_NAME)),
      attemptsLeft: null,
      expiresAt: null,
      createdAt: null,
      checking: false,
      stopped: false,
    };
    ui.phoneForm.hidden = true;
    ui.restart.hidden = false;
    if (settings.devOutbox) {
      ui.outbox.hidden = false;
      ui.outboxEmpty.hidden = false;
      ui.outboxMessage.hidden = true;
    }

    poll(current);
  } catch (error) {
    ui.send.disabled = false;
    show(startError(error), 'bad');
  }
}

/** A refusal of HttpStart in the user's words (the host's message says what exactly). */
function startError(error) {
  if (!(error instanceof ApiError)) {
    return 'Something went wrong. Try again.';
  }

  switch (error.status) {
    case 400: return `That phone number was not accepted: ${error.message}`;
    case 429: return `Too many codes requested for this number. ${error.message}`;
    case 401:
      ui.keyForm.hidden = false;
      return 'This host needs a valid function key to start a verification: enter it above.';
    default: return error.message;
  }
}

/** Follows the status link until the verification ends; the countdown runs from the instance's deadline. */
async function poll(verification) {
  if (verification.stopped) {
    return;
  }

  try {
    const { data } = await request(verification.statusPath);
    render(verification, data);
    if (settings.devOutbox) {
      await showOutbox(verification);
    }
  } catch (error) {
    show(error instanceof ApiError ? error.message : 'The host did not answer.', 'bad');
  }

  if (!verification.stopped) {
    verification.pollTimer = setTimeout(() => poll(verification), POLL_MS);
  }
}

function render(verification, status) {
  const custom = status.customStatus && typeof status.customStatus === 'object' ? status.customStatus : {};
  const running = ['Pending', 'Running', 'Suspended'].includes(status.runtimeStatus);
  const before = verification.attemptsLeft;
  verification.createdAt ??= Date.parse(status.createdTime);
  if (typeof custom.attemptsLeft === 'number') {
    verification.attemptsLeft = custom.attemptsLeft;
  }

  if (custom.expiresAt && !verification.expiresAt) {
    verification.expiresAt = Date.parse(custom.expiresAt);
    ui.codeForm.hidden = false;
    ui.sent.textContent = `We sent a code to ${verification.phone}.`;
    show(`Enter the code within ${formatRemaining(verification.expiresAt - Date.now())}. You have ${verification.attemptsLeft} attempts.`);
    tick(verification);
    verification.clock = setInterval(() => tick(verification), 250);
    ui.code.focus();
  }

  if (!running) {
    finish(verification, status, custom);
    return;
  }

  if (before !== null && verification.attemptsLeft < before) {
    verification.checking = false;
    ui.verify.disabled = false;
    const left = verification.attemptsLeft;
    show(`Wrong code, ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`, 'warn', 'wrong');
    ui.code.select();
  }
}

function tick(verification) {
  const left = verification.expiresAt - Date.now();
  ui.countdown.textContent = formatRemaining(left);
}

function finish(verification, status, custom) {
  verification.stopped = true;
  clearInterval(verification.clock);
  ui.codeForm.hidden = true;
  ui.restart.hidden = false;
  if (status.runtimeStatus === 'Completed' && status.output === true) {
    show('Verified. Your phone number is confirmed.', 'ok', 'verified');
  } else if (status.runtimeStatus === 'Completed' && custom.attemptsLeft === 0) {
    show('Too many attempts: this code no longer works. Start over to get a new one.', 'bad', 'failed');
  } else if (status.runtimeStatus === 'Completed') {
    show('The code expired. Start over to get a new one.', 'bad', 'expired');
  } else {
    show(`This verification ended (${status.runtimeStatus}). Start over to get a new code.`, 'bad', 'ended');
  }

  ui.restart.focus();
}

async function answer(event) {
  event.preventDefault();
  const verification = current;
  const code = ui.code.value.trim();
  if (!verification || verification.checking) {
    return;
  }

  if (!/^[0-9]{1,9}$/.test(code)) {
    show('Enter the digits from the SMS.', 'bad');
    ui.code.focus();
    return;
  }

  verification.checking = true;
  ui.verify.disabled = true;
  show('Checking…');
  try {
    // As a JSON string, so a code with leading zeros ("0396") arrives exactly as typed.
    await request(verification.eventPath, { method: 'POST', json: code });
  } catch (error) {
    verification.checking = false;
    ui.verify.disabled = false;
    show(error instanceof ApiError && error.status === 410
      ? 'This verification has already ended.'
      : (error.message || 'The code could not be sent.'), 'bad');
  }
}

async function showOutbox(verification) {
  const { data } = await request('/dev/outbox?to=' + encodeURIComponent(verification.phone));
  // Only messages of this verification: an earlier one to the same number holds an old code.
  const mine = Array.isArray(data) ? data.filter((m) => Date.parse(m.createdTime) >= verification.createdAt) : [];
  const newest = mine.length > 0 ? mine[mine.length - 1] : null;
  ui.outboxEmpty.hidden = newest !== null;
  ui.outboxMessage.hidden = newest === null;
  ui.outboxMessage.textContent = newest ? newest.body : '';
}

async function boot() {
  ui.phoneForm.addEventListener('submit', start);
  ui.codeForm.addEventListener('submit', answer);
  ui.keyForm.addEventListener('submit', (event) => event.preventDefault());
  ui.restart.addEventListener('click', reset);
  try {
    settings = await pageSettings();
  } catch {
    show('The host did not answer. Reload the page to try again.', 'bad');
    return;
  }

  ui.keyForm.hidden = !settings.keysRequired;
  ui.key.value = sessionKey.get(KEY_NAME) ?? '';
  document.body.dataset.ready = 'true';
}

boot();
