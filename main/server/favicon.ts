/**
 * GET /favicon.ico (issue 16.11): browsers ask for it on every page, and a 404 there is noise in the
 * console and the log. The icon is drawn here, a 32×32 PNG inside an ICO container, rather than read
 * from assets/: the server then needs no file that packaging could leave out, and no image tool at
 * build time. The drawing echoes the app icon: a teal disc with an eye (a white iris, a dark pupil).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 32;
const TEAL = [0x14, 0xb8, 0xa6];
const WHITE = [0xff, 0xff, 0xff];
const DARK = [0x11, 0x18, 0x27];

/** RGBA of one pixel, 4×4 supersampled so the circles' edges are smooth. */
function pixel(x: number, y: number): [number, number, number, number] {
  const acc = [0, 0, 0, 0];
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const d = Math.hypot(x + (sx + 0.5) / 4 - SIZE / 2, y + (sy + 0.5) / 4 - SIZE / 2);
      const color = d <= 4 ? DARK : d <= 9 ? WHITE : d <= 15.5 ? TEAL : null;
      if (!color) continue;
      for (let i = 0; i < 3; i++) acc[i]! += color[i]!;
      acc[3]! += 1;
    }
  }
  const n = acc[3]!;
  return n ? [Math.round(acc[0]! / n), Math.round(acc[1]! / n), Math.round(acc[2]! / n), Math.round((n / 16) * 255)] : [0, 0, 0, 0];
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (none), then RGBA
    for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** An ICO with one PNG-compressed 32×32 image (every browser since IE 9 reads these). */
function ico(): Buffer {
  const image = png();
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.set([SIZE, SIZE, 0, 0], 6); // width, height, no palette, reserved
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18); // offset of the image
  return Buffer.concat([header, image]);
}

export const FAVICON_PATH = '/favicon.ico';
export const FAVICON_CONTENT_TYPE = 'image/x-icon';

let cached: Buffer | null = null;
/** The icon's bytes, drawn once. */
export function favicon(): Buffer {
  cached ??= ico();
  return cached;
}
