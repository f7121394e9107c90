// Draws the toolbar icon (an eye on a rounded square) as PNGs at build time, so the
// repository holds no binary images. Plain RGBA, written with node's zlib.

import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const BACKGROUND = [37, 99, 235];
const WHITE = [255, 255, 255];
const PUPIL = [15, 23, 42];

/** Colour and coverage of one pixel; coordinates are in units of the icon's size. */
function shade(x, y) {
  const corner = 0.2;
  const dx = Math.max(corner - x, 0, x - (1 - corner));
  const dy = Math.max(corner - y, 0, y - (1 - corner));
  if (dx * dx + dy * dy > corner * corner) return null;
  const cx = x - 0.5;
  const cy = y - 0.5;
  // The eye: the intersection of two circles, giving a lens shape.
  const lens = Math.hypot(cx, cy - 0.42) < 0.62 && Math.hypot(cx, cy + 0.42) < 0.62;
  if (Math.hypot(cx, cy) < 0.11) return PUPIL;
  if (Math.hypot(cx, cy) < 0.19) return BACKGROUND;
  return lens ? WHITE : BACKGROUND;
}

/** A size×size PNG, each pixel supersampled 4×4 for smooth edges. */
export function iconPng(size) {
  const samples = 4;
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
          sum[3] += 1;
        }
      }
      const covered = sum[3];
      const offset = 1 + px * 4;
      if (covered > 0) {
        row[offset] = Math.round(sum[0] / covered);
        row[offset + 1] = Math.round(sum[1] / covered);
        row[offset + 2] = Math.round(sum[2] / covered);
        row[offset + 3] = Math.round((255 * covered) / (samples * samples));
      }
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const ICON_SIZES = [16, 32, 48, 128];
