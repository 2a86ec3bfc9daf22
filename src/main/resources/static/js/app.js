// The page: pick an image, run an explanation job, follow it, draw its maps.

import { Api, Problem, plainWords } from './api.js';
import { drawCurves } from './curves.js';
import { decodeMap, displaySize, drawBoxes, drawMaps, drawOriginal, sampleMap } from './render.js';

const $ = (id) => document.getElementById(id);
const ui = {
  drop: $('drop'), file: $('file'), fileName: $('file-name'), model: $('model'), modelHint: $('model-hint'), target: $('target'),
  method: $('method'), methodDescription: $('method-description'), methodParameters: $('method-parameters'),
  colormap: $('colormap'), opacity: $('opacity'), opacityValue: $('opacity-value'), progressive: $('progressive'),
  batchSize: $('batch-size'), apiKey: $('api-key'), explain: $('explain'), cancel: $('cancel'),
  progress: $('progress'), statusText: $('status-text'), problem: $('problem'), predictions: $('predictions'),
  predictionsEmpty: $('predictions-empty'), explainedLabel: $('explained-label'), original: $('original'),
  overlay: $('overlay'), map: $('map'), mapNote: $('map-note'), downloadPng: $('download-png'),
  downloadNpy: $('download-npy'), copyCurl: $('copy-curl'), curl: $('curl'), curlBox: $('curl-box'), stats: $('stats'),
  predictionsHeading: $('predictions-heading'), detections: $('detections'),
  metrics: $('metrics'), curvesFigure: $('curves-figure'), curves: $('curves'), curvesCaption: $('curves-caption'),
};

const api = new Api(() => ui.apiKey.value.trim());
/** Partial maps come after each batch; this many steps when the batch size is left to the page. */
const PROGRESSIVE_STEPS = 8;
/** A detector's detections the page lists: those scored at least this. */
const MIN_DETECTION_SCORE = 0.3;
/**
 * The method the page starts with, until the user picks one: on a detector, Recipro-CAM, whose map
 * stays on the clicked box (docs/evaluation.md, Detectors: Score-CAM's lights the other garments
 * too); otherwise the service's default.
 */
const FIRST_METHOD = { classification: 'scorecam', detection: 'recipro-cam' };

const state = {
  models: [],
  methods: [],
  image: null,      // { file, name, width, height, pixels, size } pixels: the original at display size
  job: null,        // { id, abort: AbortController, request: {...} }
  grid: null,       // the current map sampled at the display size
  finishedJob: null,
  countdown: null,
  detections: [],   // a detector's detections of the image, boxes in its pixels
  detection: null,  // the index of the one explained
  methodPicked: false,  // the user chose a method: switching models keeps it where it runs
  // Results fetched for this image, by request (its form fields), newest last: asking again for one
  // (a target toggled back, say) shows it without sending anything.
  results: new Map(),
};
/** Results kept per image; the oldest goes first. */
const RESULTS_KEPT = 20;

function model() {
  return state.models.find((m) => m.name === ui.model.value);
}

const isDetector = () => model()?.task === 'detection';

function setStatus(text, progress) {
  ui.statusText.textContent = text;
  if (progress !== undefined) ui.progress.value = progress;
}

function showProblem(problem) {
  clearInterval(state.countdown);
  ui.problem.replaceChildren();
  const headline = document.createElement('strong');
  headline.textContent = plainWords(problem);
  const detail = document.createElement('p');
  detail.className = 'problem-detail';
  detail.textContent = problem.body.detail || '';
  ui.problem.append(headline, detail);
  if (problem.slug === 'queue-full' && problem.retryAfter) {
    const wait = document.createElement('p');
    ui.problem.append(wait);
    let left = problem.retryAfter;
    ui.explain.disabled = true;
    const tick = () => {
      if (left <= 0) {
        clearInterval(state.countdown);
        wait.textContent = 'You can try again now.';
        ui.explain.disabled = !state.image;
        return;
      }
      wait.textContent = `Try again in ${left} s.`;
      left -= 1;
    };
    tick();
    state.countdown = setInterval(tick, 1000);
  }
  ui.problem.hidden = false;
}

function clearProblem() {
  clearInterval(state.countdown);
  ui.problem.hidden = true;
  ui.problem.replaceChildren();
}

// ---- models and methods -------------------------------------------------------------------------

async function loadModels() {
  state.models = await api.json('/v1/models');
  ui.model.replaceChildren(...state.models.map((m) => new Option(m.name, m.name)));
  describeModel();
}

function describeModel() {
  const m = model();
  ui.modelHint.textContent = m ? (isDetector() ? 'A detector: ' : '') + `${m.labels.length} classes, `
    + `${m.input.width}x${m.input.height} input, ${m.channels} channels at ${m.targetLayer}`
    + (m.engine ? ` (${m.engine})` : '') : '';
  ui.predictionsHeading.textContent = isDetector() ? 'Detections' : 'Predictions';
  ui.predictions.hidden = isDetector();
  ui.detections.hidden = !isDetector();
  ui.predictionsEmpty.textContent = isDetector()
    ? 'The detector\'s boxes appear here and on the image; click one to explain it.'
    : 'The five most likely classes appear here after the first explanation.';
  fillTargets([]);
  showDetections([]);
  offerMethods();
}

async function loadMethods() {
  state.methods = await api.methods();
  offerMethods();
}

/**
 * The methods the chosen model runs (a server that does not say offers them all); the user's choice
 * kept where it still runs, else the model kind's first method.
 */
function offerMethods() {
  const runs = model()?.methods;
  const offered = state.methods.filter((m) => !runs || runs.includes(m.name));
  const chosen = state.methodPicked ? ui.method.value : FIRST_METHOD[isDetector() ? 'detection' : 'classification'];
  ui.method.replaceChildren(...offered.map((m) => new Option(m.title || m.name, m.name)));
  if (offered.some((m) => m.name === chosen)) ui.method.value = chosen;
  showMethodParameters();
}

function showMethodParameters() {
  const method = state.methods.find((m) => m.name === ui.method.value);
  ui.methodDescription.textContent = method ? [method.description, method.cost].filter(Boolean).join(' ') : '';
  ui.methodParameters.replaceChildren(...(method?.parameters || []).map(parameterField));
}

function parameterField(parameter) {
  const field = document.createElement('div');
  field.className = 'field';
  const id = `parameter-${parameter.name}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = parameter.title || parameter.name;
  let input;
  if (Array.isArray(parameter.enum)) {
    input = document.createElement('select');
    input.append(new Option(`default (${parameter.default ?? 'server'})`, ''), ...parameter.enum.map((v) => new Option(v, v)));
  } else if (parameter.type === 'boolean') {
    input = document.createElement('select');
    input.append(new Option(`default (${parameter.default ?? 'server'})`, ''), new Option('true', 'true'), new Option('false', 'false'));
  } else {
    input = document.createElement('input');
    input.type = parameter.type === 'integer' || parameter.type === 'number' ? 'number' : 'text';
    if (parameter.type === 'integer') input.step = '1';
    if (parameter.minimum !== undefined) input.min = parameter.minimum;
    if (parameter.maximum !== undefined) input.max = parameter.maximum;
    if (parameter.default !== undefined) input.placeholder = `default ${parameter.default}`;
  }
  input.id = id;
  input.dataset.parameter = parameter.name;
  field.append(label, input);
  if (parameter.description) {
    const hint = document.createElement('small');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = parameter.description;
    input.setAttribute('aria-describedby', hint.id);
    field.append(hint);
  }
  return field;
}

/** The class picker: the top five first (with their probabilities), then every class. */
function fillTargets(predictions, selected) {
  const labels = model()?.labels || [];
  const groups = [];
  if (predictions.length) {
    const top = document.createElement('optgroup');
    top.label = 'Most likely';
    top.append(...predictions.map((p) => new Option(`${p.label} (${percent(p.probability)})`, String(p.index))));
    groups.push(top);
  } else {
    groups.push(new Option('Top-1 prediction', ''));
  }
  const all = document.createElement('optgroup');
  all.label = 'All classes';
  all.append(...labels.map((label, index) => new Option(`${label} (class ${index})`, String(index))));
  groups.push(all);
  ui.target.replaceChildren(...groups);
  ui.target.disabled = !predictions.length;
  if (isDetector()) {
    ui.target.replaceChildren(new Option('The detection you click', ''));
    ui.target.disabled = true;
  }
  ui.target.value = selected === undefined ? '' : String(selected);
}

const percent = (p) => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;

// ---- the image ----------------------------------------------------------------------------------

async function setImage(file) {
  if (!file) return;
  clearProblem();
  ui.fileName.textContent = `${file.name || 'pasted image'} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
  state.grid = null;
  state.finishedJob = null;
  state.results.clear();
  fillTargets([]);
  showPredictions([]);
  for (const canvas of [ui.original, ui.overlay, ui.map]) {
    canvas.width = 0;
    canvas.height = 0;
  }
  let bitmap = null;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    // Not an image the browser reads: the server still gets it and says what is wrong.
  }
  state.image = { file, name: file.name || 'pasted.png', width: bitmap?.width, height: bitmap?.height };
  if (bitmap) {
    state.image.size = displaySize(bitmap.width, bitmap.height);
    state.image.pixels = drawOriginal(ui.original, bitmap, state.image.size);
    bitmap.close();
  }
  ui.explain.disabled = false;
  await start();
}

/** A classifier's image is explained at once; a detector's is first searched for boxes. */
async function start() {
  if (isDetector()) {
    await detect();
  } else {
    await explain();
  }
}

// ---- a detector's boxes -------------------------------------------------------------------------

async function detect() {
  if (!state.image) return;
  await stopFollowing(true);
  clearProblem();
  showDetections([]);
  setStatus('Finding the objects…', 0);
  const form = new FormData();
  form.append('min-score', String(MIN_DETECTION_SCORE));
  form.append('image', state.image.file, state.image.name);
  try {
    const found = await api.json(`/v1/models/${encodeURIComponent(model().name)}/detections`,
      { method: 'POST', body: form });
    showDetections(found.detections);
    if (!found.detections.length) {
      setStatus(`The detector found nothing scored ${percent(MIN_DETECTION_SCORE)} or more.`, 0);
      return;
    }
    await explainDetection(found.detections[0].index);
  } catch (e) {
    setStatus('Not explained.', 0);
    showProblem(e instanceof Problem ? e : new Problem(0, { title: 'Something went wrong in the page', detail: String(e) }));
  }
}

async function explainDetection(index) {
  state.detection = index;
  showDetections(state.detections);
  await explain();
}

/** The list of detections and their boxes on the original; the explained one marked. */
function showDetections(detections) {
  state.detections = detections;
  if (!detections.length) state.detection = null;
  ui.detections.replaceChildren(...detections.map((d) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.detection = String(d.index);
    button.dataset.box = JSON.stringify(d.box);
    button.setAttribute('aria-pressed', String(d.index === state.detection));
    const label = document.createElement('span');
    label.textContent = `${d.index}: ${d.label}`;
    const value = document.createElement('span');
    value.textContent = percent(d.score);
    button.append(label, value);
    button.addEventListener('click', () => explainDetection(d.index));
    item.append(button);
    return item;
  }));
  if (isDetector()) ui.predictionsEmpty.hidden = detections.length > 0;
  ui.original.classList.toggle('pickable', detections.length > 0);
  if (state.image?.pixels) {
    ui.original.getContext('2d').putImageData(state.image.pixels, 0, 0);
    drawBoxes(ui.original, detections.map((d) => ({ box: d.box, text: `${d.label} ${percent(d.score)}` })),
      state.image, state.image.size, detections.findIndex((d) => d.index === state.detection));
  }
}

/** A click on the original explains the smallest box under it. */
function pickDetection(event) {
  if (!state.detections.length || !state.image?.size) return;
  const rect = ui.original.getBoundingClientRect();
  const x = (event.clientX - rect.left) / rect.width * state.image.width;
  const y = (event.clientY - rect.top) / rect.height * state.image.height;
  const under = state.detections
    .filter((d) => x >= d.box.x0 && x <= d.box.x1 && y >= d.box.y0 && y <= d.box.y1)
    .sort((a, b) => (a.box.x1 - a.box.x0) * (a.box.y1 - a.box.y0) - (b.box.x1 - b.box.x0) * (b.box.y1 - b.box.y0));
  if (under.length) explainDetection(under[0].index);
}

// ---- the job ------------------------------------------------------------------------------------

function request() {
  const m = model();
  const fields = [['model', m.name], ['method', ui.method.value]];
  if (isDetector()) fields.push(['detection', String(state.detection ?? 0)]);
  else if (ui.target.value !== '') fields.push(['target', ui.target.value]);
  for (const input of ui.methodParameters.querySelectorAll('[data-parameter]')) {
    if (input.value !== '') fields.push([input.dataset.parameter, input.value]);
  }
  const progressive = ui.progressive.checked;
  let batchSize = ui.batchSize.value;
  if (batchSize === '' && progressive) {
    batchSize = String(Math.max(1, Math.ceil((m.channels + 1) / PROGRESSIVE_STEPS)));
  }
  if (batchSize !== '') fields.push(['batch-size', batchSize]);
  if (ui.metrics.checked) fields.push(['metrics', 'true']);
  return { fields, progressive };
}

async function explain() {
  if (!state.image) return;
  await stopFollowing(true);
  clearProblem();
  const { fields, progressive } = request();
  const kept = state.results.get(JSON.stringify(fields));
  if (kept) {
    endJob();
    state.lastFields = fields;
    showResult(kept.result, kept.job);
    updateCurl();
    setStatus('Done (shown again, not asked again).', 1);
    return;
  }
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (progressive) form.append('progressive', 'true');
  form.append('image', state.image.file, state.image.name);
  const abort = new AbortController();
  state.job = { abort, fields };
  ui.map.dataset.partials = '0';
  ui.explain.disabled = true;
  ui.cancel.disabled = false;
  setDownloads(false);
  setStatus('Uploading…', 0);
  try {
    const job = await api.json('/v1/jobs', { method: 'POST', body: form, signal: abort.signal });
    state.job.id = job.id;
    showJob(job);
    updateCurl();
    await api.events(job.links.events, (name, data) => onEvent(name, data), abort.signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    ui.cancel.disabled = true;
    if (e instanceof Problem) {
      setStatus('Not explained.', 0);
      showProblem(e);
      if (e.slug !== 'queue-full') ui.explain.disabled = false;
    } else {
      setStatus('Not explained.', 0);
      showProblem(new Problem(0, { title: 'Something went wrong in the page', detail: String(e) }));
      ui.explain.disabled = false;
    }
  }
}

function onEvent(name, data) {
  if (name === 'status') showJob(data);
  else if (name === 'progress') showProgress(data.done, data.total);
  else if (name === 'partial') showPartial(data);
}

function showProgress(done, total) {
  setStatus(`Running: ${done} of ${total} masked inputs scored.`, total ? done / total : 0);
}

function showJob(job) {
  if (state.job?.id === job.id) state.job.status = job.status;
  switch (job.status) {
    case 'QUEUED':
      setStatus(job.position ? `Queued: position ${job.position} in the queue.` : 'Queued.', 0);
      pollPosition(job.id);
      break;
    case 'RUNNING':
      if (job.progress) showProgress(job.progress.done, job.progress.total);
      else setStatus('Running…');
      break;
    case 'SUCCEEDED':
      finish(job);
      break;
    case 'CANCELLED':
      endJob();
      setStatus('Cancelled.', 0);
      ui.mapNote.textContent = state.grid ? '(partial, cancelled)' : '';
      break;
    case 'FAILED':
      endJob();
      setStatus('Failed.', 0);
      if (job.error) showProblem(new Problem(job.error.status, job.error));
      break;
    default:
      break;
  }
}

/** The event stream says nothing while a job waits: its place in the queue is asked for each second. */
function pollPosition(id) {
  setTimeout(async () => {
    if (state.job?.id !== id || state.job.status !== 'QUEUED') return;
    try {
      const job = await api.json(`/v1/jobs/${id}`);
      if (state.job?.id === id && state.job.status === 'QUEUED' && job.status === 'QUEUED') showJob(job);
    } catch {
      // the event stream reports the end, whatever happened
    }
  }, 1000);
}

function endJob() {
  ui.cancel.disabled = true;
  ui.explain.disabled = !state.image;
}

async function finish(job) {
  endJob();
  setStatus('Fetching the result…', 1);
  try {
    const result = await api.json(job.links.result, { headers: { Accept: 'application/json' } });
    if (state.job?.fields) keep(state.job.fields, result, job.id);
    showResult(result, job.id);
    setStatus('Done.', 1);
  } catch (e) {
    if (e instanceof Problem) showProblem(e);
    setStatus('Could not fetch the result.', 1);
  }
}

/**
 * Keeps a result under its request and, when that named no target, also under the same request
 * naming the class it explained: the page selects that class after it, and toggling back to it
 * asks for exactly that.
 */
function keep(fields, result, jobId) {
  const keys = [fields];
  if (!fields.some(([name]) => name === 'target')) {
    keys.push([...fields.slice(0, 2), ['target', String(result.explanations[0].target.index)], ...fields.slice(2)]);
  }
  for (const key of keys.map((f) => JSON.stringify(f))) {
    state.results.delete(key);
    state.results.set(key, { result, job: jobId });
  }
  while (state.results.size > RESULTS_KEPT) state.results.delete(state.results.keys().next().value);
}

function showResult(result, jobId) {
  const first = result.explanations[0];
  showMap({ width: first.saliency.width, height: first.saliency.height, values: decodeMap(first.saliency.data) });
  if (result.predictions) {
    showPredictions(result.predictions);
    fillTargets(result.predictions, first.target.index);
    ui.explainedLabel.textContent = `— ${first.target.label} (class ${first.target.index})`;
  } else {
    ui.explainedLabel.textContent = `— ${first.target.label} (detection ${state.detection ?? 0})`;
  }
  ui.mapNote.textContent = first.saliency.allZero ? '(nothing speaks for this class: the map is empty)' : '';
  const s = result.stats;
  ui.stats.textContent = `${s.channels} channels (${s.liveChannels} live), ${s.forwardPasses} forward passes `
    + (s.headPasses ? `and ${s.headPasses} head passes ` : '')
    + `in batches of ${s.batchSize}, ${s.computeMillis} ms on the server.`
    + (s.faithfulnessForwardPasses ? ` Faithfulness: ${s.faithfulnessForwardPasses} more passes, `
      + `${s.faithfulnessMillis} ms.` : '');
  showCurves(first.faithfulness);
  state.finishedJob = jobId;
  ui.downloadNpy.dataset.job = jobId;
  setDownloads(true);
}

/** The deletion and insertion curves, when the answer has them (metrics=true). */
function showCurves(faithfulness) {
  const legend = drawCurves(ui.curves, faithfulness);
  ui.curvesFigure.hidden = !legend;
  ui.curvesCaption.textContent = legend ? `${legend}; Average Drop ${(100 * faithfulness.averageDrop).toFixed(1)}%`
    + `, ${faithfulness.increase ? 'increased' : 'not increased'} by the map as a mask.` : '';
}

function showPartial(partial) {
  ui.map.dataset.partials = String(Number(ui.map.dataset.partials || 0) + 1);
  showMap({ width: partial.width, height: partial.height, values: decodeMap(partial.data) });
  ui.explainedLabel.textContent = isDetector() ? `— ${partial.target.label} (detection ${state.detection ?? 0})`
    : `— ${partial.target.label} (class ${partial.target.index})`;
  ui.mapNote.textContent = partial.done < partial.total ? `(so far: ${partial.done} of ${partial.total})` : '';
}

function showMap(map) {
  if (!state.image?.pixels) return;
  state.grid = sampleMap(map, model(), state.image, state.image.size);
  redraw();
}

function redraw() {
  ui.opacityValue.textContent = `${ui.opacity.value}%`;
  if (!state.grid) return;
  drawMaps(ui.overlay, ui.map, state.image.pixels, state.grid, ui.colormap.value, ui.opacity.value / 100);
  const explained = isDetector() ? state.detections.find((d) => d.index === state.detection) : null;
  if (explained) drawBoxes(ui.overlay, [{ box: explained.box }], state.image, state.image.size, 0);
}

function showPredictions(predictions) {
  ui.predictions.replaceChildren(...predictions.map((p, rank) => {
    const item = document.createElement('li');
    if (rank === 0) item.className = 'top';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = p.label;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.style.width = `${Math.max(0.5, p.probability * 100)}%`;
    bar.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = percent(p.probability);
    item.append(label, bar, value);
    return item;
  }));
  ui.predictionsEmpty.hidden = predictions.length > 0;
}

/** Stops following the current job; {@code cancelIt} also cancels it on the server. */
async function stopFollowing(cancelIt) {
  const job = state.job;
  if (!job) return;
  state.job = null;
  job.abort.abort();
  if (cancelIt && job.id && !ui.cancel.disabled) {
    try {
      await api.fetch(`/v1/jobs/${job.id}`, { method: 'DELETE' });
    } catch {
      // it ended meanwhile, or the server forgot it: nothing left to stop
    }
  }
}

async function cancel() {
  const job = state.job;
  if (!job?.id) return;
  ui.cancel.disabled = true;
  setStatus('Cancelling…');
  try {
    const view = await api.json(`/v1/jobs/${job.id}`, { method: 'DELETE' });
    if (view.status !== 'RUNNING' && view.status !== 'QUEUED') showJob(view); // else the event stream tells the end
  } catch (e) {
    if (e instanceof Problem) showProblem(e);
  }
}

// ---- downloads and curl -------------------------------------------------------------------------

function baseName() {
  return (state.image?.name || 'image').replace(/\.[^.]+$/, '') || 'image';
}

function setDownloads(enabled) {
  ui.downloadPng.disabled = !enabled || !state.grid;
  ui.downloadNpy.disabled = !enabled;
}

function save(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function downloadPng() {
  ui.overlay.toBlob((blob) => save(blob, `${baseName()}-overlay.png`), 'image/png');
}

async function downloadNpy() {
  try {
    const response = await api.fetch(`/v1/jobs/${state.finishedJob}/result`, { headers: { Accept: 'application/x-npy' } });
    save(await response.blob(), `${baseName()}-scorecam.npy`);
  } catch (e) {
    if (e instanceof Problem) showProblem(e);
  }
}

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** The synchronous request with the same fields: the overlay PNG straight into a file. */
function curlCommand(fields) {
  const m = fields.find(([name]) => name === 'model')[1];
  const parts = ['curl -fsS', `-F ${quote(`image=@${state.image.name}`)}`];
  for (const [name, value] of fields) {
    // a PNG answer has nowhere to show the metrics, so the server does not measure them
    if (name !== 'model' && name !== 'metrics') parts.push(`-F ${quote(`${name}=${value}`)}`);
  }
  parts.push(`-F colormap=${ui.colormap.value}`, `-F alpha=${(ui.opacity.value / 100).toFixed(2)}`);
  parts.push(`-H 'Accept: image/png'`);
  if (ui.apiKey.value.trim()) parts.push('-H "X-API-Key: $SCORECAM_API_KEY"');
  parts.push(quote(`${location.origin}/v1/models/${encodeURIComponent(m)}/explanations`));
  parts.push(`-o ${quote(`${baseName()}-scorecam.png`)}`);
  return parts.join(' ');
}

function updateCurl() {
  const fields = state.job?.fields || state.lastFields;
  if (!fields || !state.image) return;
  state.lastFields = fields;
  ui.curl.value = curlCommand(fields);
  ui.copyCurl.disabled = false;
}

async function copyCurl() {
  updateCurl();
  ui.curlBox.open = true;
  try {
    await navigator.clipboard.writeText(ui.curl.value);
    ui.copyCurl.textContent = 'Copied';
  } catch {
    ui.curl.select(); // no clipboard access (not a secure origin): selected for Ctrl+C
    ui.copyCurl.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => { ui.copyCurl.textContent = 'Copy as curl'; }, 2500);
}

// ---- wiring -------------------------------------------------------------------------------------

function wire() {
  ui.file.addEventListener('change', () => setImage(ui.file.files[0]));
  ui.drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.drop.classList.add('dragging');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('dragging'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('dragging');
    setImage(e.dataTransfer.files[0]);
  });
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file');
    if (item) {
      e.preventDefault();
      setImage(item.getAsFile());
    }
  });
  ui.model.addEventListener('change', () => {
    describeModel();
    if (state.image) start();
  });
  ui.original.addEventListener('click', pickDetection);
  ui.method.addEventListener('change', () => {
    state.methodPicked = true;
    showMethodParameters();
  });
  ui.target.addEventListener('change', () => explain());
  ui.explain.addEventListener('click', () => (isDetector() && !state.detections.length ? detect() : explain()));
  ui.cancel.addEventListener('click', cancel);
  ui.colormap.addEventListener('change', () => { redraw(); updateCurl(); });
  ui.opacity.addEventListener('input', () => { redraw(); updateCurl(); });
  ui.downloadPng.addEventListener('click', downloadPng);
  ui.downloadNpy.addEventListener('click', downloadNpy);
  ui.copyCurl.addEventListener('click', copyCurl);
}

async function boot() {
  wire();
  try {
    await Promise.all([loadModels(), loadMethods()]);
    document.body.dataset.ready = 'true';
  } catch (e) {
    showProblem(e instanceof Problem ? e : new Problem(0, { title: 'The page could not start', detail: String(e) }));
  }
}

boot();
