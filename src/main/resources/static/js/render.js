// Drawing the map over the image in the browser: the same geometry as the server's renderer
// (imaging/Placement.java, imaging/HeatmapRenderer.java), so the overlay matches its PNG.

import { colormapTable } from './colormap.js';

/** The longest side of the pictures on the page; larger images are shown scaled down. */
const DISPLAY_SIZE = 448;
/** How bright the parts of the image the model never saw are drawn (centre crop). */
const UNSEEN_BRIGHTNESS = 0.35;

/** Where the original sits in the model input: input = original * scale + offset, per axis. */
export function placement(resize, originalWidth, originalHeight, inputWidth, inputHeight) {
  const sx = inputWidth / originalWidth;
  const sy = inputHeight / originalHeight;
  if (resize === 'letterbox') {
    const s = Math.min(sx, sy);
    const w = Math.max(1, Math.min(Math.round(originalWidth * s), inputWidth));
    const h = Math.max(1, Math.min(Math.round(originalHeight * s), inputHeight));
    return { scaleX: w / originalWidth, scaleY: h / originalHeight,
      offsetX: Math.trunc((inputWidth - w) / 2), offsetY: Math.trunc((inputHeight - h) / 2) };
  }
  if (resize === 'center-crop') {
    const s = Math.max(sx, sy);
    return { scaleX: s, scaleY: s, offsetX: (inputWidth - originalWidth * s) / 2,
      offsetY: (inputHeight - originalHeight * s) / 2 };
  }
  return { scaleX: sx, scaleY: sy, offsetX: 0, offsetY: 0 };
}

/** The size the pictures are drawn at: the image's own, scaled down to fit DISPLAY_SIZE. */
export function displaySize(width, height) {
  const s = Math.min(1, DISPLAY_SIZE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/**
 * The map sampled bilinearly (half-pixel centres) at the centre of every displayed pixel,
 * NaN where the pixel falls outside the model's input. Done once per map; colours and opacity
 * are applied to this grid.
 */
export function sampleMap(map, model, image, size) {
  const input = model.input;
  const p = placement(input.resize, image.width, image.height, input.width, input.height);
  const axis = (count, originalSize, scale, offset, inputSize, mapSize) => {
    const out = [];
    for (let i = 0; i < count; i++) {
      const original = (i + 0.5) * originalSize / count;
      const at = original * scale + offset;
      if (at < 0 || at > inputSize) {
        out.push(null);
        continue;
      }
      const m = at * mapSize / inputSize - 0.5;
      const lo = Math.max(0, Math.min(mapSize - 1, Math.floor(m)));
      const hi = Math.min(mapSize - 1, lo + 1);
      out.push({ lo, hi, f: Math.max(0, Math.min(1, m - lo)) });
    }
    return out;
  };
  const columns = axis(size.width, image.width, p.scaleX, p.offsetX, input.width, map.width);
  const rows = axis(size.height, image.height, p.scaleY, p.offsetY, input.height, map.height);
  const grid = new Float32Array(size.width * size.height);
  const v = map.values;
  for (let y = 0; y < size.height; y++) {
    const r = rows[y];
    for (let x = 0; x < size.width; x++) {
      const c = columns[x];
      if (!r || !c) {
        grid[y * size.width + x] = NaN;
        continue;
      }
      const top = v[r.lo * map.width + c.lo] + (v[r.lo * map.width + c.hi] - v[r.lo * map.width + c.lo]) * c.f;
      const bottom = v[r.hi * map.width + c.lo] + (v[r.hi * map.width + c.hi] - v[r.hi * map.width + c.lo]) * c.f;
      grid[y * size.width + x] = top + (bottom - top) * r.f;
    }
  }
  return grid;
}

/** The original image on its canvas, at the display size; returns its pixels for the overlay. */
export function drawOriginal(canvas, bitmap, size) {
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#000';
  context.fillRect(0, 0, size.width, size.height); // transparent images over black, as the server draws them
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return context.getImageData(0, 0, size.width, size.height);
}

/** The overlay (map blended over the original with {@code opacity}) and the bare map. */
export function drawMaps(overlayCanvas, mapCanvas, original, grid, colormap, opacity) {
  const { width, height } = original;
  const table = colormapTable(colormap);
  const overlay = new ImageData(width, height);
  const bare = new ImageData(width, height);
  const o = original.data;
  for (let i = 0; i < width * height; i++) {
    const value = grid[i];
    const p = i * 4;
    if (Number.isNaN(value)) {
      for (let c = 0; c < 3; c++) overlay.data[p + c] = Math.round(o[p + c] * UNSEEN_BRIGHTNESS);
      overlay.data[p + 3] = 255;
      bare.data[p + 3] = 0;
      continue;
    }
    const t = 3 * (value > 0 ? (value >= 1 ? 255 : Math.round(value * 255)) : 0);
    for (let c = 0; c < 3; c++) {
      overlay.data[p + c] = Math.round(o[p + c] * (1 - opacity) + table[t + c] * opacity);
      bare.data[p + c] = table[t + c];
    }
    overlay.data[p + 3] = 255;
    bare.data[p + 3] = 255;
  }
  for (const [canvas, pixels] of [[overlayCanvas, overlay], [mapCanvas, bare]]) {
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').putImageData(pixels, 0, 0);
  }
}

/** Little-endian float32 in base64, as the API sends maps, to a Float32Array. */
export function decodeMap(base64) {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/**
 * Boxes in the image's pixels outlined on a canvas drawn at {@code size}: white with a dark edge,
 * visible on any picture; the chosen one thicker and yellow. Each box's label above it.
 */
export function drawBoxes(canvas, boxes, image, size, chosen) {
  const context = canvas.getContext('2d');
  const sx = size.width / image.width;
  const sy = size.height / image.height;
  context.font = '12px system-ui, sans-serif';
  // The best last, the chosen one after all: their outlines and labels on top.
  const order = boxes.map((b, i) => i).reverse().filter((i) => i !== chosen);
  if (chosen >= 0 && chosen < boxes.length) order.push(chosen);
  order.forEach((i) => {
    const b = boxes[i];
    const x = b.box.x0 * sx;
    const y = b.box.y0 * sy;
    const w = (b.box.x1 - b.box.x0) * sx;
    const h = (b.box.y1 - b.box.y0) * sy;
    const width = i === chosen ? 3 : 1.5;
    context.lineWidth = width + 2;
    context.strokeStyle = 'rgba(0, 0, 0, 0.8)';
    context.strokeRect(x, y, w, h);
    context.lineWidth = width;
    context.strokeStyle = i === chosen ? '#ffd400' : '#ffffff';
    context.strokeRect(x, y, w, h);
    if (b.text) {
      const text = b.text;
      const textWidth = context.measureText(text).width + 6;
      const top = y >= 16 ? y - 16 : y;
      const left = Math.max(0, Math.min(x, canvas.width - textWidth)); // kept on the picture
      context.fillStyle = 'rgba(0, 0, 0, 0.7)';
      context.fillRect(left, top, textWidth, 16);
      context.fillStyle = i === chosen ? '#ffd400' : '#ffffff';
      context.fillText(text, left + 3, top + 12);
    }
  });
}
