import { crc32, deflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import XLSX from 'sheetjs-style';
import { importFormData, type ImportLang } from '../../shared/import.ts';
import type { Client } from './harness.ts';

const require = createRequire(import.meta.url);
const JSZip = require('sheetjs-style/jszip.js') as new (data: Buffer) => {
  files: Record<string, { name: string; dir: boolean; asNodeBuffer(): Buffer }>;
};

/** Spreadsheet files the import tests build themselves, in every accepted format. */
export type BookFormat = 'xlsx' | 'xls' | 'ods';
export type Cell = string | number | boolean | Date | null | { f: string; v: string | number };

export interface SheetInput {
  name?: string;
  rows: Cell[][];
}

/**
 * An .xls formula as sheetjs-style writes it (`bf`: a CellParsedFormula, its tokens' length then
 * the tokens): the constant it computes, a ptgStr or a ptgNum token. sheetjs-style caches a
 * formula's value in .xls only when it is a number; a text formula's cached value is 0, as in
 * the .xls Calc saved in issue #16 where the .xlsx cached the text.
 */
function xlsFormula(value: string | number): Buffer {
  let tokens: Buffer;
  if (typeof value === 'number') {
    tokens = Buffer.alloc(9, 0x1f);
    tokens.writeDoubleLE(value, 1);
  } else {
    tokens = Buffer.concat([Buffer.from([0x17, Buffer.byteLength(value, 'latin1'), 0]), Buffer.from(value, 'latin1')]);
  }
  const length = Buffer.alloc(2);
  length.writeUInt16LE(tokens.length);
  return Buffer.concat([length, tokens]);
}

function toSheet(rows: Cell[][], format: BookFormat): XLSX.WorkSheet {
  const sheet = XLSX.utils.aoa_to_sheet(rows.map((row) => row.map((cell) => (cell !== null && typeof cell === 'object' && 'f' in cell ? null : cell))));
  // Formula cells: the formula and its computed (cached) value, as a spreadsheet program saves them.
  rows.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell !== null && typeof cell === 'object' && 'f' in cell) {
        sheet[XLSX.utils.encode_cell({ r, c })] = {
          t: typeof cell.v === 'number' ? 'n' : 's',
          v: cell.v,
          f: cell.f,
          ...(format === 'xls' ? { bf: xlsFormula(cell.v) } : {}),
        } as XLSX.CellObject;
      }
    }),
  );
  const range = XLSX.utils.decode_range(sheet['!ref'] ?? 'A1');
  range.e.r = Math.max(range.e.r, rows.length - 1);
  sheet['!ref'] = XLSX.utils.encode_range(range);
  return sheet;
}

/** A workbook with these sheets (the first named "Users" unless said otherwise). */
export function workbook(format: BookFormat, sheets: SheetInput[] | Cell[][]): Buffer {
  const list: SheetInput[] = isSheetList(sheets) ? sheets : [{ rows: sheets }];
  const book = XLSX.utils.book_new();
  // A null-prototype map, so that a sheet may be called `__proto__`.
  book.Sheets = Object.create(null) as typeof book.Sheets;
  list.forEach((sheet, index) => XLSX.utils.book_append_sheet(book, toSheet(sheet.rows, format), sheet.name ?? (index === 0 ? 'Users' : `Sheet${index + 1}`)));
  return XLSX.write(book, { type: 'buffer', bookType: format === 'xls' ? 'biff8' : format, compression: true }) as Buffer;
}

const isSheetList = (value: SheetInput[] | Cell[][]): value is SheetInput[] =>
  value.length > 0 && !Array.isArray(value[0]) && typeof value[0] === 'object' && value[0] !== null && 'rows' in value[0];

/** CSV as spreadsheet programs save it. */
export function csv(rows: (string | number)[][], options: { separator?: ',' | ';'; bom?: boolean; encoding?: 'utf-8' | 'latin1' } = {}): Buffer {
  const separator = options.separator ?? ',';
  const text = rows
    .map((row) =>
      row
        .map((value) => {
          const cell = String(value);
          return cell.includes(separator) || cell.includes('"') || cell.includes('\n') ? `"${cell.replace(/"/g, '""')}"` : cell;
        })
        .join(separator),
    )
    .join('\r\n');
  const body = Buffer.from(text, options.encoding === 'latin1' ? 'latin1' : 'utf8');
  return options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

export interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** Declare this uncompressed size in the central directory instead of the real one. */
  declaredSize?: number;
}

/** A minimal zip (deflated entries), to craft files no spreadsheet program would write. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    const compressed = deflateRawSync(data);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.declaredSize ?? data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts of an .xlsx, to rebuild it with crafted contents. */
export function xlsxParts(bytes: Buffer): ZipEntry[] {
  const archive = new JSZip(bytes);
  return Object.values(archive.files)
    .filter((file) => !file.dir)
    .map((file) => ({ name: file.name, data: file.asNodeBuffer() }));
}

export const upload = (bytes: Uint8Array, lang?: ImportLang) =>
  importFormData(new Blob([new Uint8Array(bytes)]), lang ? { lang } : {});

/** The first sheet of an .xlsx the server handed out, as rows of cell objects. */
export function readBack(base64: string): { book: XLSX.WorkBook; rows: XLSX.CellObject[][] } {
  const book = XLSX.read(Buffer.from(base64, 'base64'), { type: 'buffer', dense: true, cellStyles: true });
  const first = book.Sheets[book.SheetNames[0]!] as unknown as XLSX.CellObject[][];
  return { book, rows: first };
}

export type { Client };

/** An .xlsx whose first sheet carries this comments part, as Excel links one. */
export function xlsxWithComments(base: Buffer, commentsXml: string): Buffer {
  const parts = xlsxParts(base).map((part) =>
    part.name === '[Content_Types].xml'
      ? {
          ...part,
          data: part.data
            .toString()
            .replace(
              '</Types>',
              '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>',
            ),
        }
      : part,
  );
  parts.push(
    { name: 'xl/comments1.xml', data: commentsXml },
    {
      name: 'xl/worksheets/_rels/sheet1.xml.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/></Relationships>',
    },
  );
  return zip(parts);
}

/** RFC 4180 CSV (quoted fields may hold separators, quotes and line breaks) as rows of cells. */
export function parseCsv(text: string, separator: ',' | ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (cell += '"'), index++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) row.push(cell), (cell = '');
    else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), index++;
    } else cell += char;
  }
  if (cell || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}
