// An instance's history as a timeline: every event with its time and offset from the start, activities from
// scheduled to completed, each durable timer as a window from created to due with the answers placed on it, and
// the end. Built from the status API's historyEvents (without activity outputs: the code stays hidden).
import { el, formatJson, formatOffset, formatTime } from './format.js';

const ANSWER_EVENT = 'SmsChallengeResponse';

const parse = (iso) => Date.parse(iso);
const tryJson = (text) => {
  if (typeof text !== 'string') return text;
  try { return JSON.parse(text); } catch { return text; }
};

/** The timeline model of a status with historyEvents. */
export function buildTimeline(status, now = Date.now()) {
  const events = status.historyEvents ?? [];
  const start = events.length > 0 ? parse(events[0].Timestamp) : parse(status.createdTime);
  const rows = [];
  const activities = [];
  const windows = [];
  const answers = [];
  let end = null;

  for (const e of events) {
    const time = parse(e.Timestamp);
    const row = { time, offset: time - start, type: e.EventType, details: '', answer: null };
    switch (e.EventType) {
      case 'ExecutionStarted':
        row.details = `${e.FunctionName} started, input ${formatJson(tryJson(e.Input))}`;
        break;
      case 'TaskScheduled':
        activities.push({ name: e.Name ?? e.FunctionName, from: time, to: null, failed: false });
        row.details = `${e.Name ?? e.FunctionName} scheduled`;
        break;
      case 'TaskCompleted':
      case 'TaskFailed': {
        const from = e.ScheduledTime ? parse(e.ScheduledTime) : time;
        const failed = e.EventType === 'TaskFailed';
        const pending = activities.find((a) => a.to === null && a.name === e.FunctionName);
        if (pending) {
          Object.assign(pending, { to: time, failed });
        } else {
          activities.push({ name: e.FunctionName, from, to: time, failed });
        }

        row.details = `${e.FunctionName}: scheduled at ${formatOffset(from - start)}, ${failed ? 'failed' : 'completed'} after ${formatOffset(time - from, '')}`
          + (failed && e.Reason ? ` (${e.Reason})` : '');
        break;
      }
      case 'TimerCreated': {
        const due = parse(e.FireAt);
        windows.push({ from: time, due, fired: null, answers: [] });
        row.details = `challenge window opens, due ${formatTime(due)} (${formatOffset(due - time, '')})`;
        break;
      }
      case 'TimerFired': {
        const window = windows.find((w) => w.due === parse(e.FireAt)) ?? windows[windows.length - 1];
        if (window) window.fired = time;
        row.details = 'the window closed: time is up';
        break;
      }
      case 'EventRaised':
        row.details = `${e.Name}: ${formatJson(tryJson(e.Input))}`;
        if (e.Name === ANSWER_EVENT) {
          answers.push({ row, time, value: tryJson(e.Input) });
        }
        break;
      case 'ExecutionCompleted':
        end = time;
        // The event's result may be left out of the history; the status carries the output either way.
        row.details = `${e.OrchestrationStatus}, output ${formatJson(e.Result ?? status.output)}` + (e.FailureDetails ? ` (${formatJson(e.FailureDetails)})` : '');
        break;
      case 'ExecutionTerminated':
        end = time;
        row.details = `terminated${e.Input ? ': ' + formatJson(tryJson(e.Input)) : ''}`;
        break;
      default: {
        const { EventType, Timestamp, ...rest } = e;
        row.details = Object.keys(rest).length > 0 ? formatJson(rest) : '';
      }
    }

    rows.push(row);
  }

  if (end === null && ['Completed', 'Failed', 'Terminated', 'Canceled'].includes(status.runtimeStatus)) {
    end = parse(status.lastUpdatedTime);
  }

  // The orchestrator reads answers in order and stops at the right one: every recorded answer was wrong, except
  // the last one of an instance that ended verified.
  const verified = status.runtimeStatus === 'Completed' && status.output === true;
  answers.forEach((answer, i) => {
    answer.right = verified && i === answers.length - 1;
    answer.row.answer = answer.right ? 'right' : 'wrong';
    answer.row.details += answer.right ? ' (right)' : ' (wrong)';
    const window = [...windows].reverse().find((w) => w.from <= answer.time);
    if (window) window.answers.push(answer);
  });

  const last = Math.max(start, end ?? now, ...windows.map((w) => w.due), ...activities.map((a) => a.to ?? now));
  return { start, end, last, rows, activities, windows, outcome: status.runtimeStatus };
}

/** Draws the chart (decorative: the table below says the same in words) and fills the event table. */
export function renderTimeline(model, chart, tbody) {
  const span = Math.max(1, model.last - model.start);
  const pct = (t) => `${(((t - model.start) / span) * 100).toFixed(3)}%`;
  const width = (from, to) => `${Math.max(0.4, ((to - from) / span) * 100).toFixed(3)}%`;
  const lanes = [];

  for (const activity of model.activities) {
    const lane = el('div', null, 'lane');
    lane.append(el('div', `Activity ${activity.name}`, 'lane-label'));
    const bar = el('div', null, 'span' + (activity.failed ? ' failed' : ''));
    bar.style.left = pct(activity.from);
    bar.style.width = width(activity.from, activity.to ?? model.last);
    bar.title = `${activity.name}: ${formatOffset(activity.from - model.start)} → ${activity.to ? formatOffset(activity.to - model.start) : 'running'}`;
    lane.append(bar);
    lanes.push(lane);
  }

  for (const window of model.windows) {
    const lane = el('div', null, 'lane');
    lane.append(el('div', 'Challenge window (timer created → due)', 'lane-label'));
    const bar = el('div', null, 'span window' + (model.end !== null && model.end < window.due ? ' cancelled' : ''));
    bar.style.left = pct(window.from);
    bar.style.width = width(window.from, window.due);
    bar.title = `window ${formatOffset(window.from - model.start)} → ${formatOffset(window.due - model.start)}`;
    lane.append(bar);
    for (const answer of window.answers) {
      const mark = el('div', answer.right ? '✓' : '✗', 'mark ' + (answer.right ? 'right' : 'wrong'));
      mark.style.left = pct(answer.time);
      mark.title = `answer ${formatJson(answer.value)} at ${formatOffset(answer.time - model.start)}: ${answer.right ? 'right' : 'wrong'}`;
      lane.append(mark);
    }

    if (model.end !== null) {
      const end = el('div', null, 'mark end');
      end.style.left = pct(model.end);
      end.title = `${model.outcome} at ${formatOffset(model.end - model.start)}`;
      lane.append(end);
    }

    lanes.push(lane);
  }

  const axis = el('div', null, 'axis');
  axis.append(el('span', formatOffset(0)), el('span', formatOffset(model.last - model.start)));
  chart.replaceChildren(...lanes, axis);
  chart.hidden = lanes.length === 0;

  tbody.replaceChildren(...model.rows.map((row) => {
    const tr = document.createElement('tr');
    if (row.answer) {
      tr.className = 'answer-' + row.answer;
      tr.dataset.answer = row.answer;
    }

    tr.append(el('td', formatTime(row.time)), el('td', formatOffset(row.offset)), el('td', row.type), el('td', row.details));
    return tr;
  }));
}
