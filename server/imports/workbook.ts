import { createRequire } from 'node:module';
import type XLSX from 'sheetjs-style';

const require = createRequire(import.meta.url);

/**
 * sheetjs-style (and its JSZip) load on the first export, template or report, not at start: they
 * hold about 30 MB that a server which never writes a spreadsheet need not carry. (Uploads are
 * parsed in a child process of their own, server/imports/parse-sheet.mjs.)
 */
let loaded: { XLSX: typeof XLSX; JSZip: new (data: Buffer) => BundledZip } | undefined;
function sheetjs() {
  loaded ??= {
    XLSX: require('sheetjs-style') as typeof XLSX,
    JSZip: require('sheetjs-style/jszip.js') as new (data: Buffer) => BundledZip,
  };
  return loaded;
}

/** The JSZip 2 that sheetjs-style bundles (and writes .xlsx with); it has no types of its own. */
interface BundledZip {
  file(name: string): { asText(): string } | null;
  file(name: string, content: string): void;
  generate(options: { type: 'nodebuffer'; compression: 'DEFLATE' }): Buffer;
}

/** The first characters that make a spreadsheet program run a cell's text as a formula (or a DDE command). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * In CSV, text a spreadsheet program would run as a formula gets a leading quote: this server
 * never writes a live formula into a file it hands out, whatever a user typed as a name. (An
 * .xlsx needs none: its text cells are text, never formulas.)
 */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The inverse on import: a cell that is a defused formula (`'` then `=`, `+`, `-`, `@`, a tab or a
 * carriage return) is read without the quote, so that this server's own CSV files (and .xlsx files
 * of earlier versions, which quoted too) import again as the values they were written from.
 * Spreadsheet programs keep a typed leading `'` out of the value, so no one else's text loses one.
 */
export function restoreDefused(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

export type CellValue = string | number;

export interface SheetSpec {
  name: string;
  header: readonly string[];
  /** The data rows, or rows already made into cells (an export adds them a batch at a time). */
  rows: readonly (readonly CellValue[])[] | SheetRows;
  /** Column widths in characters. */
  widths: readonly number[];
  /** A column whose data cells must be one of these values (a list validation). */
  listValidation?: { column: number; values: readonly string[]; rows: number; error: string };
}

const HEADER_STYLE = {
  font: { bold: true, color: { rgb: 'FFFFFFFF' } },
  fill: { patternType: 'solid', fgColor: { rgb: 'FF1F4E79' } },
  alignment: { vertical: 'center' },
  border: { bottom: { style: 'thin', color: { rgb: 'FF000000' } } },
};

function cell(value: CellValue, style?: object): XLSX.CellObject {
  const object: XLSX.CellObject & { s?: object } =
    typeof value === 'number' ? { t: 'n', v: value } : { t: 's', v: value };
  if (style) object.s = style;
  return object;
}

/**
 * Data rows as cells, in the dense form sheetjs-style writes (an array of rows of cells, not an
 * object keyed by address): about half the memory, so a large sheet can be built row by row.
 */
export class SheetRows {
  readonly cells: XLSX.CellObject[][] = [];
  width = 0;

  static of(rows: readonly (readonly CellValue[])[]): SheetRows {
    const built = new SheetRows();
    for (const values of rows) built.add(values);
    return built;
  }

  /** Sets every cell itself (never `aoa_to_sheet`, which would guess types and could make formulas). */
  add(values: readonly CellValue[], style?: object): void {
    this.cells.push(values.map((value) => cell(value, style)));
    this.width = Math.max(this.width, values.length);
  }

  get length(): number {
    return this.cells.length;
  }
}

function toWorksheet(spec: SheetSpec): XLSX.WorkSheet {
  const header = new SheetRows();
  header.add(spec.header, HEADER_STYLE);
  const body = spec.rows instanceof SheetRows ? spec.rows : SheetRows.of(spec.rows);
  const dense: XLSX.CellObject[][] = header.cells;
  for (const row of body.cells) dense.push(row);
  const width = Math.max(header.width, body.width, 1);
  return Object.assign(dense, {
    '!ref': sheetjs().XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(dense.length - 1, 0), c: width - 1 } }),
    '!cols': spec.widths.map((wch) => ({ wch })),
  }) as unknown as XLSX.WorkSheet;
}

/** An .xlsx with a styled header row on each sheet. */
export function writeXlsx(sheets: readonly SheetSpec[]): Buffer {
  const { XLSX, JSZip } = sheetjs();
  const workbook = XLSX.utils.book_new();
  for (const spec of sheets) XLSX.utils.book_append_sheet(workbook, toWorksheet(spec), spec.name);
  let bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const validated = sheets.map((spec, index) => ({ spec, index })).filter(({ spec }) => spec.listValidation);
  if (validated.length > 0) {
    // sheetjs-style writes no data validation, so the sheet's XML gets it afterwards.
    const zip = new JSZip(bytes);
    for (const { spec, index } of validated) {
      const path = `xl/worksheets/sheet${index + 1}.xml`;
      const xml = zip.file(path)?.asText();
      if (xml) zip.file(path, withListValidation(xml, spec.listValidation!));
    }
    bytes = zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
  }
  return bytes;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Elements that follow `<dataValidations>` in a worksheet (ECMA-376 CT_Worksheet order). */
const AFTER_DATA_VALIDATIONS = /<(hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b|<\/worksheet>/;

function withListValidation(xml: string, validation: NonNullable<SheetSpec['listValidation']>): string {
  const column = sheetjs().XLSX.utils.encode_col(validation.column);
  // A list's values are a quoted, comma-separated formula; quotes inside would be doubled.
  const list = `"${validation.values.map((value) => value.replace(/"/g, '""')).join(',')}"`;
  const element =
    `<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" ` +
    `error="${escapeXml(validation.error)}" sqref="${column}2:${column}${validation.rows + 1}">` +
    `<formula1>${escapeXml(list)}</formula1></dataValidation></dataValidations>`;
  const match = AFTER_DATA_VALIDATIONS.exec(xml);
  if (!match) return xml;
  return xml.slice(0, match.index) + element + xml.slice(match.index);
}

/**
 * A line of CSV for spreadsheet programs (the file starts with a UTF-8 BOM): quoted where needed,
 * formulas defused. A semicolon is what Excel expects where the decimal separator is a comma.
 */
export function csvLine(values: readonly CellValue[], separator: ',' | ';' = ','): string {
  return values
    .map((value) => {
      const text = typeof value === 'number' ? String(value) : spreadsheetSafe(value);
      return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(separator);
}
