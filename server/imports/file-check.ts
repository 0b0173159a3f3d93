import type { ImportFormat } from '../../shared/import.ts';
import type { ImportLimits } from './limits.ts';

/**
 * What an upload is, judged from its bytes alone (never from a name or a content type the client
 * chose), before any parser sees it.
 */
export type FileCheck =
  | { ok: true; format: ImportFormat }
  | { ok: false; problem: 'empty' | 'not_a_spreadsheet' | 'too_large' | 'inflates_too_far' | 'too_many_entries'; detail?: string };

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL_HEADER = 0x04034b50;
const ZIP_CENTRAL_HEADER = 0x02014b50;
const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((byte, index) => bytes[index] === byte);

export function checkUpload(bytes: Uint8Array, limits: ImportLimits): FileCheck {
  if (bytes.byteLength > limits.maxBytes) return { ok: false, problem: 'too_large' };
  if (bytes.byteLength === 0) return { ok: false, problem: 'empty' };
  if (startsWith(bytes, CFB_MAGIC)) return { ok: true, format: 'xls' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength >= 4 && view.getUint32(0, true) === ZIP_LOCAL_HEADER) return checkZip(bytes, view, limits);
  return looksLikeText(bytes) ? { ok: true, format: 'csv' } : { ok: false, problem: 'not_a_spreadsheet' };
}

/**
 * Reads the zip's central directory (not its data) and refuses a file that declares more entries
 * or more inflated bytes than the caps, so a zip bomb never reaches the parser. A directory that
 * lies about sizes still meets the parser child's heap cap and time limit.
 */
function checkZip(bytes: Uint8Array, view: DataView, limits: ImportLimits): FileCheck {
  const end = findEndOfCentralDirectory(view);
  if (end < 0) return { ok: false, problem: 'not_a_spreadsheet', detail: 'a damaged zip' };
  const entryCount = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryOffset = view.getUint32(end + 16, true);
  // ZIP64 markers: sizes past 4 GB, which no spreadsheet under the size cap needs.
  if (entryCount === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
    return { ok: false, problem: 'inflates_too_far', detail: 'ZIP64' };
  }
  if (entryCount > limits.maxZipEntries) return { ok: false, problem: 'too_many_entries' };
  if (directoryOffset + directorySize > end) return { ok: false, problem: 'not_a_spreadsheet', detail: 'a damaged zip' };
  const names = new Set<string>();
  const decoder = new TextDecoder();
  let inflated = 0;
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index += 1) {
    if (offset + 46 > end || view.getUint32(offset, true) !== ZIP_CENTRAL_HEADER) {
      return { ok: false, problem: 'not_a_spreadsheet', detail: 'a damaged zip' };
    }
    const uncompressedSize = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (uncompressedSize === 0xffffffff) return { ok: false, problem: 'inflates_too_far', detail: 'ZIP64' };
    inflated += uncompressedSize;
    if (inflated > limits.maxUncompressedBytes) return { ok: false, problem: 'inflates_too_far' };
    names.add(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  if (names.has('xl/workbook.xml')) return { ok: true, format: 'xlsx' };
  if (names.has('mimetype') && names.has('content.xml')) return { ok: true, format: 'ods' };
  return { ok: false, problem: 'not_a_spreadsheet', detail: 'a zip that is neither .xlsx nor .ods' };
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let offset = view.byteLength - 22; offset >= lowest; offset -= 1) {
    if (view.getUint32(offset, true) === ZIP_END_OF_CENTRAL_DIRECTORY) return offset;
  }
  return -1;
}

/** CSV is text: no NUL or other control bytes besides tab, line feed, form feed and carriage return. */
function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  for (const byte of sample) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}
