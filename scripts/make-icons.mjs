// Writes the tray template icons (assets/tray/trayTemplate-<state>[@2x].png): black glyphs on
// transparency, which macOS tints for light and dark menubars; and the app icon (assets/icon.png,
// 1024×1024, which electron-builder turns into the .icns). No image library: shapes are described in
// a 16×16 unit space, rasterised with supersampling and encoded as PNG with node:zlib.
// Run: node scripts/make-icons.mjs
import { mkdir, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const outDir = `${root}assets/tray`;

// ---- shapes: each is (x, y) => boolean, in units where the icon is 16×16 -------------------------
const C = 8; // centre
const disc = (r, cx = C, cy = C) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (r, width) => (x, y) => {
  const d = Math.hypot(x - C, y - C);
  return d <= r && d >= r - width;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));
const minus = (shape, hole) => (x, y) => shape(x, y) && !hole(x, y);
/** Point-in-triangle by the sign of three edge cross products. */
const triangle = ([ax, ay], [bx, by], [cx, cy]) => (x, y) => {
  const s1 = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
  const s2 = (cx - bx) * (y - by) - (cy - by) * (x - bx);
  const s3 = (ax - cx) * (y - cy) - (ay - cy) * (x - cx);
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
};
/** An exclamation mark: a bar and a dot, centred on x = 8, spanning y0..y1. */
const bang = (y0, y1, w) => union(rect(C - w / 2, y0, C + w / 2, y1 - w * 1.6), disc(w * 0.62, C, y1 - w * 0.55));
/** A ring of n dots: reads as "in progress". */
const dots = (n, r, dotR) => union(...Array.from({ length: n }, (_, i) => {
  const a = (i / n) * 2 * Math.PI - Math.PI / 2;
  return disc(dotR, C + r * Math.cos(a), C + r * Math.sin(a));
}));

/** A ring of n dots whose sizes fall off behind a leading dot: one frame of the "starting" spinner. */
const spinner = (n, r, phase) => union(...Array.from({ length: n }, (_, i) => {
  const a = (i / n) * 2 * Math.PI - Math.PI / 2;
  const age = (i - phase + n) % n; // 0 = leading dot
  return disc(1.55 - age * 0.11, C + r * Math.cos(a), C + r * Math.sin(a));
}));
/** Frames shown in turn while the stack starts (the tray advances them; see main/electron/tray.ts). */
export const SPINNER_FRAMES = 8;

const GLYPHS = {
  ok: disc(6.5),
  critical: minus(disc(7), bang(3.2, 12.8, 2.2)),
  warning: minus(triangle([C, 1], [15.4, 15], [0.6, 15]), bang(5.8, 13.8, 2)),
  stopped: ring(6.5, 1.7),
  starting: dots(8, 5.6, 1.35),
  ...Object.fromEntries(Array.from({ length: SPINNER_FRAMES }, (_, k) => [`starting-${k}`, spinner(8, 5.6, k)])),
};

/** A rounded square: the macOS app icon's plate (the grid leaves a margin of about 1/10 on each side). */
const roundedSquare = (x0, x1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(x0 + r - y, 0, y - (x1 - r));
  return x >= x0 && x <= x1 && y >= x0 && y <= x1 && dx * dx + dy * dy <= r * r;
};

/** The app icon, back to front: a deep blue plate, a white lens (Lookout's eye on the stack), a green "all good" dot. */
const APP_ICON = [
  { shape: roundedSquare(1.56, 14.44, 2.9), rgb: [28, 43, 84] },
  { shape: union(ring(4.6, 1.15), disc(1.7)), rgb: [255, 255, 255] },
  { shape: disc(1.25, 11.6, 4.4), rgb: [52, 199, 89] },
];

// ---- rasterise -----------------------------------------------------------------------------------
/** Layers of { shape, rgb } painted in order, each pixel's coverage from ss×ss samples. */
function rasterise(layers, size, ss = 8) {
  const scale = 16 / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4;
      for (const { shape, rgb } of layers) {
        let hits = 0;
        for (let sy = 0; sy < ss; sy++) {
          for (let sx = 0; sx < ss; sx++) {
            if (shape((px + (sx + 0.5) / ss) * scale, (py + (sy + 0.5) / ss) * scale)) hits++;
          }
        }
        if (hits === 0) continue;
        // "Over" compositing of this layer's coverage onto what is already there.
        const a = hits / (ss * ss);
        const below = rgba[i + 3] / 255;
        const out = a + below * (1 - a);
        for (let c = 0; c < 3; c++) rgba[i + c] = Math.round((rgb[c] * a + rgba[i + c] * below * (1 - a)) / out);
        rgba[i + 3] = Math.round(out * 255);
      }
    }
  }
  return rgba;
}

// ---- PNG encoding --------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression, filter, interlace: 0
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter byte 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

await mkdir(outDir, { recursive: true });
for (const [state, shape] of Object.entries(GLYPHS)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    const file = `${outDir}/trayTemplate-${state}${suffix}.png`;
    await writeFile(file, encodePng(rasterise([{ shape, rgb: [0, 0, 0] }], size), size));
    console.log(`wrote ${file.slice(root.length)}`);
  }
}
await writeFile(`${root}assets/icon.png`, encodePng(rasterise(APP_ICON, 1024, 3), 1024));
console.log('wrote assets/icon.png');
