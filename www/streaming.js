// The streaming panel: `invokeAsyncStream` read chunk by chunk, either
// directly or as an HTTP response body the way a fetch() front end reads a
// server's stream, with per-chunk timings, Cancel through an AbortSignal, and
// the synchronous `invokeSyncSteps` for contrast.
import { invokeAsyncStream, invokeSyncSteps, liveStreamProducers } from './pkg/demo.js';
import { chunks } from './chunks.js';
import { $, formatMs, nextMacrotask } from './format.js';

const SAMPLES = {
  en: 'Streaming keeps the page alive: each word arrives as soon as it is ready.',
  ja: '非同期のストリームは、一文字ずつ届きます。',
};

/** The string chunks of a `ReadableStream<string>`. */
const readDirect = chunks;

/**
 * The same stream as a server would send it: encoded to UTF-8 bytes, wrapped
 * in a `Response`, read back from `response.body` and decoded. `stream: true`
 * holds back a character whose bytes are split across two reads.
 */
async function* readAsResponse(stream) {
  const response = new Response(stream.pipeThrough(new TextEncoderStream()));
  const decoder = new TextDecoder();
  for await (const bytes of chunks(response.body)) {
    const text = decoder.decode(bytes, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

const READERS = { direct: readDirect, response: readAsResponse };
const HOW = {
  direct: 'read directly: each chunk is the string the Rust producer yielded',
  response: 'read as an HTTP response: UTF-8 bytes through Response.body, decoded with TextDecoder',
};

/** The stream being read, or null. */
let current = null;

function setStatus(text, state = '') {
  const status = $('stream-status');
  status.textContent = text;
  status.dataset.state = state;
}

function showProducers(note = '') {
  const alive = liveStreamProducers();
  $('stream-producers').textContent = `Rust producers alive: ${alive}${note && alive === 0 ? ` ${note}` : ''}`;
  $('stream-producers').dataset.alive = String(alive);
}

function setBusy(busy) {
  $('stream-go').disabled = busy;
  $('stream-sync').disabled = busy;
  $('stream-cancel').disabled = !busy;
  for (const input of document.querySelectorAll('#stream-form-options select, #stream-form-options input, #stream-samples button')) {
    input.disabled = busy;
  }
}

function clearOutput(lang) {
  $('stream-output').replaceChildren();
  $('stream-output').lang = lang;
  $('stream-timing-rows').replaceChildren();
}

/** One chunk: its own element in the output, and a row in the timing table. */
function addChunk(text, number, sinceStartMs, sincePreviousMs) {
  const output = $('stream-output');
  output.querySelector('.fresh')?.classList.remove('fresh');
  const chunk = document.createElement('span');
  chunk.className = 'chunk fresh';
  chunk.textContent = text;
  output.append(chunk);

  const row = document.createElement('tr');
  for (const value of [
    String(number),
    JSON.stringify(text),
    sinceStartMs.toFixed(1),
    sincePreviousMs.toFixed(1),
  ]) {
    const cell = document.createElement('td');
    cell.textContent = value;
    row.append(cell);
  }
  $('stream-timing-rows').append(row);
  const wrap = $('stream-timings-wrap');
  wrap.scrollTop = wrap.scrollHeight;
}

function messageLang(message) {
  return /[\u3040-\u30ff\u3400-\u9fff]/.test(message) ? 'ja' : 'en';
}

async function stream() {
  const message = $('stream-message').value;
  if (message === '') {
    setStatus('Nothing to stream: type a message first.', 'error');
    return;
  }
  const delayMs = Number($('stream-delay').value);
  const how = document.querySelector('input[name="stream-read"]:checked').value;
  const read = READERS[how];
  const expected = invokeSyncSteps(message).length;
  const controller = new AbortController();
  let source;
  try {
    source = invokeAsyncStream(message, { delayMs, signal: controller.signal });
  } catch (error) {
    setStatus(`Could not stream: ${error.message}`, 'error');
    return;
  }
  clearOutput(messageLang(message));
  const run = { controller, chunks: 0 };
  current = run;
  setBusy(true);
  setStatus(`Streaming… 0 of ${expected} chunks`, 'streaming');
  showProducers();

  const startedAt = performance.now();
  let previous = startedAt;
  try {
    for await (const text of read(source)) {
      const now = performance.now();
      run.chunks += 1;
      addChunk(text, run.chunks, now - startedAt, now - previous);
      previous = now;
      setStatus(`Streaming… ${run.chunks} of ${expected} chunks`, 'streaming');
      showProducers();
    }
    setStatus(`Done: ${run.chunks} chunks in ${formatMs(performance.now() - startedAt)}, ${HOW[how]}`, 'done');
  } catch (error) {
    if (controller.signal.aborted) {
      setStatus(`Cancelled after ${run.chunks} of ${expected} chunks`, 'cancelled');
    } else {
      setStatus(`The stream failed after ${run.chunks} chunks: ${error.message}`, 'error');
    }
  } finally {
    current = null;
    setBusy(false);
    // The highlight marks the chunk that just arrived, while chunks arrive.
    $('stream-output').querySelector('.fresh')?.classList.remove('fresh');
  }
  // A finished or aborted stream drops its Rust producer; show it once the
  // stream machinery has settled.
  await nextMacrotask();
  showProducers(controller.signal.aborted ? '(the cancel dropped it)' : '');
}

function cancel() {
  if (!current) return;
  current.controller.abort(new DOMException('Cancelled by the user', 'AbortError'));
  showProducers('(the cancel dropped it)');
}

function syncVersion() {
  const message = $('stream-message').value;
  const startedAt = performance.now();
  let chunks;
  try {
    chunks = invokeSyncSteps(message);
  } catch (error) {
    setStatus(`Could not split: ${error.message}`, 'error');
    return;
  }
  const tookMs = performance.now() - startedAt;
  clearOutput(messageLang(message));
  chunks.forEach((text, i) => addChunk(text, i + 1, tookMs, i === 0 ? tookMs : 0));
  $('stream-output').querySelector('.fresh')?.classList.remove('fresh');
  setStatus(`Sync: all ${chunks.length} chunks at once in ${formatMs(tookMs)}; nothing showed until the whole list existed`, 'done');
  showProducers();
}

export function setupStreaming() {
  $('stream-message').value = SAMPLES.en;
  $('sample-en').addEventListener('click', () => {
    $('stream-message').value = SAMPLES.en;
    $('stream-message').lang = 'en';
  });
  $('sample-ja').addEventListener('click', () => {
    $('stream-message').value = SAMPLES.ja;
    $('stream-message').lang = 'ja';
  });
  $('stream-go').addEventListener('click', stream);
  $('stream-cancel').addEventListener('click', cancel);
  $('stream-sync').addEventListener('click', syncVersion);
  showProducers();
  return { samples: SAMPLES, get streaming() { return current !== null; } };
}
