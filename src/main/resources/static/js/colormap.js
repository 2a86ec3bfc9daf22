// The server's colormaps (imaging/Colormap.java), as 256-entry RGB tables, so that colours and
// opacity change in the browser without asking the server again.

const ANCHORS = {
  turbo: [0x30123b, 0x4040a2, 0x466be3, 0x4294ff, 0x28bceb, 0x18ddc2, 0x32f298, 0x6dfe62, 0xa4fc3c,
    0xcbed34, 0xecd13a, 0xfdae35, 0xfb8122, 0xec530f, 0xd23105, 0xac1701, 0x7a0403],
  viridis: [0x440154, 0x48186a, 0x472d7b, 0x424086, 0x3b528b, 0x33638d, 0x2c728e, 0x26828e, 0x21918c,
    0x1f9f88, 0x27ad81, 0x3dbc74, 0x5cc863, 0x81d34d, 0xaadc32, 0xd5e21a, 0xfde725],
  inferno: [0x000004, 0x0b0724, 0x210c4a, 0x3d0965, 0x57106e, 0x71196e, 0x8a226a, 0xa32c61, 0xbc3754,
    0xd04545, 0xe35933, 0xf1711f, 0xf98c0a, 0xfcaa0f, 0xf9c932, 0xf2e865, 0xfcffa4],
};

const channel = (level) => Math.round(255 * Math.max(0, Math.min(1, level)));

function jet(v) {
  return [channel(1.5 - Math.abs(4 * v - 3)), channel(1.5 - Math.abs(4 * v - 2)), channel(1.5 - Math.abs(4 * v - 1))];
}

function interpolate(anchors, v) {
  const t = v * (anchors.length - 1);
  const k = Math.min(Math.floor(t), anchors.length - 2);
  const f = t - k;
  const a = anchors[k];
  const b = anchors[k + 1];
  return [16, 8, 0].map((shift) => {
    const from = (a >> shift) & 0xff;
    const to = (b >> shift) & 0xff;
    return Math.round(from + (to - from) * f);
  });
}

const cache = new Map();

/** A Uint8Array of 256 RGB triples for the named colormap (jet when unknown). */
export function colormapTable(name) {
  if (!cache.has(name)) {
    const table = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const v = i / 255;
      const rgb = name === 'gray' ? [Math.round(v * 255), Math.round(v * 255), Math.round(v * 255)]
        : ANCHORS[name] ? interpolate(ANCHORS[name], v) : jet(v);
      table.set(rgb, i * 3);
    }
    cache.set(name, table);
  }
  return cache.get(name);
}
