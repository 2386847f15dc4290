// ufdn page: webcam or photo in, translated frames out, through the package's Translator,
// whose wasm runs in a Web Worker (this thread only draws and handles the controls).
import { Translator } from '/pkg/index.js';

const $ = (id) => document.getElementById(id);
// Canvases stay in memory (not on the GPU): drawing, bitmaps and pixel writes are then plain
// copies, which keep this thread's work per frame to a millisecond or two.
const context = (canvas) => canvas.getContext('2d', { willReadFrequently: true });
const PAGE_SIDE = 256; // webcam frames and photos are scaled to at most this side
// On the CPU the webcam is translated at the largest side, up to PAGE_SIDE, that holds
// 10 frames/s: the side follows the measured frame period (a smoothed average), aimed at 10 %
// under the budget so that jitter does not take the rate below it.
const CPU_FRAME_MS = 100;
const AIM_FRAME_MS = 0.9 * CPU_FRAME_MS;
const MIN_CAMERA_SIDE = 64;

// Observable state (also read by the browser tests).
const state = window.ufdn = {
  ready: false, backend: null, frames: 0, errors: [], lastMs: null, fps: 0,
  camera: false, target: null, side: null,
};

let translator = null;
let target = null;          // a domain name or {a: w, b: 1 - w}
let stream = null;
let busy = false;
let rerun = false;           // the input or target changed during a translation
let cameraSide = PAGE_SIDE;  // the longer side webcam frames are scaled to

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
  if (isError) state.errors.push(text);
}

function describeTarget(t) {
  if (typeof t === 'string') return t;
  return Object.entries(t).map(([d, w]) => `${Math.round(w * 100)}% ${d}`).join(' + ');
}

function setTarget(t) {
  target = t;
  state.target = t;
  $('target-name').textContent = `(${describeTarget(t)})`;
  for (const b of $('domains').querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(typeof t === 'string' && b.dataset.domain === t));
  }
  if (!stream) translateInput();
}

function mixTarget() {
  const a = $('mix-a').value, b = $('mix-b').value, w = Number($('mix').value) / 100;
  $('mix-value').textContent = `${Math.round(w * 100)}%`;
  if (a === b) return a;
  return { [a]: 1 - w, [b]: w };
}

// Translates what is on the input canvas into the output canvas.
async function translateInput() {
  if (!translator) return;
  if (busy) { rerun = true; return; }
  busy = true;
  const start = performance.now();
  try {
    // A bitmap of the input canvas, transferred to the worker.
    const result = await translator.translate(await createImageBitmap($('input')), target);
    const out = $('output');
    out.width = result.width;
    out.height = result.height;
    context(out).putImageData(result, 0, 0);
    state.lastMs = performance.now() - start;
    state.frames += 1;
    $('ms').textContent = `${state.lastMs.toFixed(0)} ms/frame`;
  } catch (e) {
    setStatus(`Translation failed: ${e.message}`, true);
  } finally {
    busy = false;
  }
  // A still image whose target changed meanwhile is translated again (the camera loop
  // brings a new frame by itself).
  if (rerun && !stream) { rerun = false; await translateInput(); }
  rerun = false;
}

function drawScaled(source, width, height, side = PAGE_SIDE) {
  const scale = Math.min(1, side / Math.max(width, height));
  const input = $('input');
  input.width = Math.max(1, Math.round(width * scale));
  input.height = Math.max(1, Math.round(height * scale));
  context(input).drawImage(source, 0, 0, input.width, input.height);
}

async function openPhoto(file) {
  if (!file) return;
  if (!file.type.startsWith('image/')) {
    setStatus(`${file.name} is not an image: choose a PNG, JPEG or WebP photo.`, true);
    return;
  }
  stopCamera();
  try {
    const bitmap = await createImageBitmap(file);
    drawScaled(bitmap, bitmap.width, bitmap.height);
    showSide();
    bitmap.close();
    await translateInput();
    setStatus(readyText());
  } catch (e) {
    setStatus(`Could not read ${file.name}: ${e.message}. Try another image file.`, true);
  }
}

/** The next webcam side on the CPU path, from the smoothed frame period `ms`: a side that
 * is too slow shrinks in proportion (time follows the pixel count), one well under the
 * budget grows a step; multiples of 8, from MIN_CAMERA_SIDE to PAGE_SIDE. */
function nextCameraSide(side, ms) {
  let next = side;
  if (ms > AIM_FRAME_MS * 1.05) next = Math.min(side - 8, side * Math.sqrt(AIM_FRAME_MS / ms));
  else if (ms < AIM_FRAME_MS * 0.7) next = side + 8;
  return Math.max(MIN_CAMERA_SIDE, Math.min(PAGE_SIDE, Math.floor(next / 8) * 8));
}

function showSide() {
  const { width, height } = $('input');
  state.side = [width, height];
  const why = translator.backend === 'cpu' && cameraSide < PAGE_SIDE && stream ? ' (lowered on the CPU to hold 10 fps)' : '';
  $('side').textContent = `${width}×${height} px${why}`;
}

// Frame loop: the next frame is requested only after the previous translation resolved.
async function cameraLoop() {
  let windowStart = performance.now(), windowFrames = 0;
  let last = null, period = null; // frame start time and smoothed period (ms)
  const video = $('video');
  while (stream) {
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const frameStart = performance.now();
      if (last !== null) period = period === null ? frameStart - last : 0.7 * period + 0.3 * (frameStart - last);
      last = frameStart;
      if (translator.backend === 'cpu' && period !== null) cameraSide = nextCameraSide(cameraSide, period);
      drawScaled(video, video.videoWidth, video.videoHeight, cameraSide);
      showSide();
      await translateInput();
      windowFrames += 1;
      const now = performance.now();
      if (now - windowStart >= 1000) {
        state.fps = (windowFrames * 1000) / (now - windowStart);
        $('fps').textContent = `${state.fps.toFixed(1)} fps`;
        windowStart = now;
        windowFrames = 0;
      }
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    setStatus('This browser offers no camera access (it needs https or localhost). Open a photo instead.', true);
    return;
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (e) {
    const why = e.name === 'NotAllowedError' ? 'Camera permission was denied: allow it in the address bar, or open a photo instead.'
      : e.name === 'NotFoundError' ? 'No camera was found: connect one, or open a photo instead.'
      : `The camera could not start (${e.name}: ${e.message}). Close other apps using it, or open a photo instead.`;
    setStatus(why, true);
    return;
  }
  const video = $('video');
  video.srcObject = stream;
  await video.play();
  state.camera = true;
  $('camera').textContent = 'Stop webcam';
  setStatus(readyText());
  cameraLoop();
}

function stopCamera() {
  if (!stream) return;
  for (const track of stream.getTracks()) track.stop();
  stream = null;
  state.camera = false;
  $('video').srcObject = null;
  $('camera').textContent = 'Start webcam';
}

function readyText() {
  const info = translator.info();
  const where = translator.backend === 'webgpu' ? 'on your GPU (WebGPU)' : 'on your CPU';
  return `Ready: ${info.preset} model, ${(info.parameters / 1e6).toFixed(2)} M parameters, ${info.steps} training steps, running ${where}.`;
}

function buildControls(domains) {
  for (const d of domains) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = d;
    b.dataset.domain = d;
    b.addEventListener('click', () => setTarget(d));
    $('domains').append(b);
    $('mix-a').append(new Option(d, d));
    $('mix-b').append(new Option(d, d));
  }
  $('mix-b').selectedIndex = Math.min(1, domains.length - 1);
  for (const id of ['mix', 'mix-a', 'mix-b']) $(id).addEventListener('input', () => setTarget(mixTarget()));
}

function wireInputs() {
  $('camera').addEventListener('click', () => (stream ? stopCamera() : startCamera()));
  $('file').addEventListener('change', (e) => openPhoto(e.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    openPhoto(e.dataTransfer.files[0]);
  });
  $('download').addEventListener('click', (e) => {
    e.preventDefault();
    $('output').toBlob((blob) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'ufdn.png';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }, 'image/png');
  });
}

async function main() {
  wireInputs();
  try {
    // ?backend=webgpu|cpu overrides the automatic choice, ?threads=n the CPU threads (tests
    // and benchmarks use them).
    const query = new URLSearchParams(location.search);
    const threads = query.has('threads') ? Number(query.get('threads')) : undefined;
    translator = await Translator.create(undefined, { backend: query.get('backend') ?? 'auto', threads });
    translator.onrestart = (why) => setStatus(`${why}. A fresh translator took over; the page goes on.`, true);
  } catch (e) {
    setStatus(`The translator could not start: ${e.message}`, true);
    return;
  }
  const info = translator.info();
  state.backend = translator.backend;
  buildControls(translator.domains());
  const notes = [];
  if (translator.backend !== 'webgpu') notes.push(`ufdn runs on the CPU: ${translator.fallbackReason}. Chrome, Edge or a recent Safari/Firefox with WebGPU on a hardware GPU run it on your GPU.`);
  if (info.steps === 0) notes.push('These weights are untrained: outputs are noise until a trained default model ships.');
  if (notes.length) { $('notice').textContent = notes.join(' '); $('notice').hidden = false; }
  for (const id of ['camera', 'file', 'mix']) $(id).disabled = false;
  // A gradient test card until the user brings a photo or the webcam.
  const ctx = context($('input'));
  const g = ctx.createLinearGradient(0, 0, 256, 256);
  g.addColorStop(0, '#3a7bd5'); g.addColorStop(1, '#f7b733');
  ctx.fillStyle = g; ctx.fillRect(0, 0, 256, 256);
  setStatus(readyText());
  state.ready = true;
  setTarget(translator.domains()[Math.min(1, translator.domains().length - 1)]);
}

main();
