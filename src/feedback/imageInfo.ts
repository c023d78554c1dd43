// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What feedback says about an image without decoding it.
 */
export interface IImageInfo {
  /**
   * Width in pixels, when the header could be read.
   */
  width?: number;

  /**
   * Height in pixels, when the header could be read.
   */
  height?: number;

  /**
   * Size of the decoded image in bytes.
   */
  bytes: number;
}

/**
 * Read an image's size and dimensions from its base64 data, decoding only the header.
 *
 * PNG (IHDR), GIF (logical screen), WebP (VP8, VP8L and VP8X) and JPEG (the first
 * start-of-frame marker, found within the first 64 KB) are understood; other types get their
 * size only.
 *
 * @param mimeType - the image's MIME type.
 * @param base64 - the image, base64-encoded, without line breaks.
 * @returns its size and, when readable, width and height.
 */
export function readImageInfo(mimeType: string, base64: string): IImageInfo {
  const bytes = Private.decodedLength(base64);
  let dimensions: Private.IDimensions | null = null;
  try {
    switch (mimeType) {
      case 'image/png':
        dimensions = Private.png(Private.decodePrefix(base64, 24));
        break;
      case 'image/gif':
        dimensions = Private.gif(Private.decodePrefix(base64, 10));
        break;
      case 'image/webp':
        dimensions = Private.webp(Private.decodePrefix(base64, 30));
        break;
      case 'image/jpeg':
        dimensions = Private.jpeg(Private.decodePrefix(base64, Private.JPEG_SCAN_BYTES));
        break;
    }
  } catch {
    // Data that is not valid base64 has no readable header; its size is still worth saying.
  }
  return dimensions ? { bytes, ...dimensions } : { bytes };
}

/**
 * Say an image's size the way a person would: `640 bytes`, `28 KB`, `1.4 MB`.
 *
 * @param bytes - a size in bytes.
 * @returns the size, rounded.
 */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

namespace Private {
  export interface IDimensions {
    width: number;
    height: number;
  }

  export const JPEG_SCAN_BYTES = 65536;

  export function decodedLength(base64: string): number {
    let padding = 0;
    if (base64.endsWith('==')) {
      padding = 2;
    } else if (base64.endsWith('=')) {
      padding = 1;
    }
    return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
  }

  /**
   * Decode the first `count` bytes (or fewer, for a shorter image).
   */
  export function decodePrefix(base64: string, count: number): Uint8Array {
    const chars = Math.ceil(count / 3) * 4;
    const binary = atob(base64.slice(0, Math.min(chars, base64.length - (base64.length % 4))));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function uint32be(b: Uint8Array, at: number): number {
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }

  function uint16be(b: Uint8Array, at: number): number {
    return (b[at] << 8) | b[at + 1];
  }

  function uint16le(b: Uint8Array, at: number): number {
    return b[at] | (b[at + 1] << 8);
  }

  function ascii(b: Uint8Array, at: number, length: number): string {
    return String.fromCharCode(...b.subarray(at, at + length));
  }

  export function png(b: Uint8Array): IDimensions | null {
    // Signature (8 bytes), IHDR length (4) and type (4), then width and height.
    if (b.length < 24 || b[0] !== 0x89 || ascii(b, 1, 3) !== 'PNG' || ascii(b, 12, 4) !== 'IHDR') {
      return null;
    }
    return { width: uint32be(b, 16), height: uint32be(b, 20) };
  }

  export function gif(b: Uint8Array): IDimensions | null {
    if (b.length < 10 || ascii(b, 0, 3) !== 'GIF') {
      return null;
    }
    return { width: uint16le(b, 6), height: uint16le(b, 8) };
  }

  export function webp(b: Uint8Array): IDimensions | null {
    if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') {
      return null;
    }
    switch (ascii(b, 12, 4)) {
      case 'VP8 ':
        return { width: uint16le(b, 26) & 0x3fff, height: uint16le(b, 28) & 0x3fff };
      case 'VP8L': {
        const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      case 'VP8X':
        return {
          width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)),
          height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16))
        };
      default:
        return null;
    }
  }

  export function jpeg(b: Uint8Array): IDimensions | null {
    if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) {
      return null;
    }
    let at = 2;
    while (at + 9 < b.length) {
      if (b[at] !== 0xff) {
        return null;
      }
      const marker = b[at + 1];
      // Start-of-frame markers C0–CF, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: uint16be(b, at + 7), height: uint16be(b, at + 5) };
      }
      at += 2 + uint16be(b, at + 2);
    }
    return null;
  }
}
