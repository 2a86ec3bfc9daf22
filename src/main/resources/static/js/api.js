// The REST API as the page calls it: every error arrives as an RFC 9457 problem, and events are
// read from a fetch stream (not EventSource) so that an API key header can go with them.

/** A problem (application/problem+json) the server answered with. */
export class Problem extends Error {
  constructor(status, body, retryAfter) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.slug = (body.type || '').split('/').pop();
    this.retryAfter = retryAfter;
  }
}

export class Api {
  constructor(apiKey) {
    this.apiKey = apiKey; // a function: the key field may change between calls
  }

  headers(extra = {}) {
    const key = this.apiKey();
    return key ? { ...extra, 'X-API-Key': key } : extra;
  }

  async fetch(path, options = {}) {
    let response;
    try {
      response = await fetch(path, { ...options, headers: this.headers(options.headers) });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new Problem(0, { title: 'The server cannot be reached', detail: 'Is it running? ' + e.message });
    }
    if (!response.ok) {
      throw await problemOf(response);
    }
    return response;
  }

  async json(path, options) {
    return (await this.fetch(path, options)).json();
  }

  /** The methods the server offers; before it describes them (404), Score-CAM alone, without parameters. */
  async methods() {
    try {
      return await this.json('/v1/methods');
    } catch (e) {
      if (e instanceof Problem && e.status === 404) {
        return [{ name: 'scorecam', title: 'Score-CAM', description: '', parameters: [] }];
      }
      throw e;
    }
  }

  /**
   * Reads a job's Server-Sent Events until the stream ends: onEvent(name, data) for each, data
   * parsed as JSON.
   */
  async events(path, onEvent, signal) {
    const response = await this.fetch(path, { headers: { Accept: 'text/event-stream' }, signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }
}

async function problemOf(response) {
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  let body;
  try {
    body = await response.json();
  } catch {
    body = { title: `HTTP ${response.status}`, detail: response.statusText };
  }
  return new Problem(response.status, body, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

/** What a problem means for the person at the page, in plain words; the server's detail follows it. */
export function plainWords(problem) {
  switch (problem.slug) {
    case 'queue-full': return 'The server is busy: this model\'s queue is full.';
    case 'shutting-down': return 'The server is shutting down; try again in a moment.';
    case 'upload-too-large': return 'That file is too large to upload.';
    case 'image-too-large': return 'That image has too many pixels for this server.';
    case 'unsupported-image': return 'That file is not an image this server can read (PNG, JPEG, BMP, GIF, WebP or TIFF).';
    case 'unsupported-media-type': return 'The upload was not sent as a form; this page should not do that.';
    case 'invalid-image': return 'That file looks like an image but is damaged or cannot be decoded.';
    case 'unknown-target': return 'The model has no such class.';
    case 'unknown-method': return 'The server does not offer that method.';
    case 'method-unsupported': return 'This model cannot run that method; choose another.';
    case 'unknown-model': return 'The server has no such model.';
    case 'invalid-parameter': return 'One of the settings is out of range.';
    case 'job-cancelled': return 'The explanation was cancelled.';
    case 'timeout': return 'The explanation took too long and was stopped.';
    case 'inference-failed': return 'The model failed on this image.';
    case 'unknown-job': return 'The server no longer knows this job (it may have restarted).';
    default:
      if (problem.status === 401 || problem.status === 403) return 'The server wants a valid API key (under Advanced).';
      return problem.body.title || 'Something went wrong.';
  }
}
