// Chat demo: messages are sent with fetch POST to /demo/chat/messages (the hub checks them and publishes
// them) and arrive as `message` events on every open page, this one included.
import { logEvent, subscribe, timeOfDay } from '/demo/demo-page.js';

const source = subscribe('urn:tidings:demo:chat');
const form = document.getElementById('send');
const result = document.getElementById('send-result');

source.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  const time = document.createElement('time');
  time.textContent = timeOfDay(new Date(message.sentAt));
  const name = document.createElement('strong');
  name.className = 'name';
  name.textContent = message.name;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text;
  item.append(time, name, text);
  document.getElementById('messages').append(item);
  logEvent(event, `${message.name}: ${message.text}`);
});

// Enter sends, Shift+Enter starts a new line (as in most chats); not while an input method is composing.
form.elements.text.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  form.requestSubmit();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  result.className = '';
  result.textContent = 'sending…';
  try {
    const response = await fetch('/demo/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: data.get('name'), text: data.get('text') }),
    });
    const answer = await response.json();
    if (response.ok) {
      result.textContent = '';
      form.elements.text.value = '';
    } else {
      result.className = 'error';
      result.textContent = answer.error;
    }
  } catch (error) {
    result.className = 'error';
    result.textContent = `the hub did not answer: ${error.message}`;
  }
});
