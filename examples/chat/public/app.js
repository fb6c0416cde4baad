// The chat page: reads messages from /events (named `chat` events, JSON) and sends with fetch POST /messages.
// The server checks every message and answers 400 with a message saying what is wrong; the page shows it.
import { showGaps, showState, timeOfDay } from './sse-page.js';

/** The page keeps the latest messages only. */
const MAX_MESSAGES = 200;
const NAME_KEY = 'tidings-chat-name';

const source = new EventSource('/events');
showState(source, document.getElementById('state'));
const list = document.getElementById('messages');
showGaps(source, list, 'bottom');
const form = document.getElementById('send');
const nameInput = document.getElementById('name');
const textInput = document.getElementById('text');
const errorOutput = document.getElementById('error');

nameInput.value = localStorage.getItem(NAME_KEY) ?? '';

source.addEventListener('chat', (event) => {
  const message = JSON.parse(event.data);
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  const time = document.createElement('time');
  time.dateTime = message.sentAt;
  time.className = 'muted';
  time.textContent = timeOfDay(new Date(message.sentAt));
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = message.name;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text;
  item.append(time, ' ', name, ': ', text);
  list.append(item);
  while (list.children.length > MAX_MESSAGES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorOutput.textContent = '';
  localStorage.setItem(NAME_KEY, nameInput.value);
  try {
    const response = await fetch('/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: nameInput.value, text: textInput.value }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      errorOutput.textContent = body.error ?? `The message was not sent (HTTP ${response.status}).`;
      return;
    }
    textInput.value = '';
  } catch {
    errorOutput.textContent = 'The message was not sent: the server cannot be reached.';
  }
});
