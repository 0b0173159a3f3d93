// The spreadsheet parser, run as a child process (`child_process.fork`) with a heap cap and a hard
// time limit, so a crafted file can stall or exhaust only this process, never the server.
// Plain JavaScript on purpose: it runs in production without tsx. The server sends one message
// (structured clone) and gets one back; then this process exits. It never reads a second file: a
// crafted file may have polluted its prototypes.
//
// in:  { format, bytes: Uint8Array, maxRows, headerSearchRows, headerSynonyms: { email: string[], … } }
// out: { ok: true, sheetName, headerRow, rowNumbers: number[], cells: string[], formulaCells: number[], tooManyRows, rowCount }
//      (compact: `cells` holds the email, first name, last name and role of each row in turn;
//      `formulaCells` the indexes into `cells` of values a formula computed; `rowCount` the file's
//      data rows when it has too many and they could be counted, else null)
//    | { ok: false, error: 'no_email_column' | 'not_a_spreadsheet' | 'unreadable', message }
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const COLUMNS = ['email', 'firstName', 'lastName', 'role'];
/** Longer cells cannot be valid (emails have at most 254 characters, names 100); keep the message small. */
const CELL_TEXT_MAX = 1000;

process.once('message', (request) => {
  let reply;
  try {
    reply = parse(request);
  } catch (error) {
    reply = { ok: false, error: 'unreadable', message: String(error?.message ?? error).slice(0, 300) };
  }
  process.send(reply, () => process.exit(0));
});
// A server that dies (SIGKILL) takes its parser with it: the channel closes.
process.once('disconnect', () => process.exit(0));

function parse({ format, bytes, maxRows, headerSearchRows, headerSynonyms }) {
  // One more row than a full file may have: if it is filled, the file has too many rows.
  const sheetRows = maxRows + headerSearchRows + 1;
  const sheets = format === 'csv' ? [{ name: 'CSV', rows: parseCsv(bytes, sheetRows) }] : readWorkbook(bytes, sheetRows);
  if (!sheets) return { ok: false, error: 'not_a_spreadsheet', message: 'no worksheet' };
  const synonyms = new Map();
  for (const column of COLUMNS) for (const name of headerSynonyms[column]) synonyms.set(name, column);

  // The first sheet that has an email column; its header may sit below a few title rows.
  for (const sheet of sheets) {
    const limit = Math.min(sheet.rows.length, headerSearchRows);
    for (let r = 0; r < limit; r += 1) {
      const columns = headerColumns(sheet.rows[r], synonyms);
      if (columns.email === -1) continue;
      return { ok: true, sheetName: sheet.name, headerRow: r + 1, ...dataRows(sheet.rows, r, columns, maxRows, sheetRows) };
    }
  }
  return { ok: false, error: 'no_email_column', message: 'no email column' };
}

function headerColumns(row, synonyms) {
  const columns = { email: -1, firstName: -1, lastName: -1, role: -1 };
  if (!row) return columns;
  const width = Math.min(row.length, 1000);
  for (let c = 0; c < width; c += 1) {
    const column = synonyms.get(normalizeHeader(textOf(row[c])));
    if (column && columns[column] === -1) columns[column] = c;
  }
  return columns;
}

function normalizeHeader(text) {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function dataRows(rows, headerIndex, columns, maxRows, sheetRows) {
  const rowNumbers = [];
  const cells = [];
  const formulaCells = [];
  // Only the mapped columns are read: a forged dimension of a whole sheet costs nothing here.
  for (let r = headerIndex + 1; r < rows.length; r += 1) {
    const row = rows[r];
    if (!row) continue;
    const email = cellText(row, columns.email);
    const firstName = cellText(row, columns.firstName);
    const lastName = cellText(row, columns.lastName);
    const role = cellText(row, columns.role);
    if (!email && !firstName && !lastName && !role) continue;
    if (rowNumbers.length === maxRows || r >= sheetRows - 1) {
      return { rowNumbers: [], cells: [], formulaCells: [], tooManyRows: true, rowCount: countRows(rows, r, columns, rowNumbers.length) };
    }
    // Strings in a flat list, whatever the file holds: cheap to send and to check.
    rowNumbers.push(r + 1);
    for (const column of COLUMNS) if (isFormula(row, columns[column])) formulaCells.push(cells.length + COLUMNS.indexOf(column));
    cells.push(email, firstName, lastName, role);
  }
  return { rowNumbers, cells, formulaCells, tooManyRows: false, rowCount: null };
}

/**
 * The file's data rows, for the message that names them: those read so far, the rest of the rows
 * read, and what the CSV reader counted past them (a workbook stops at `sheetRows`: unknown).
 */
function countRows(rows, from, columns, counted) {
  if (rows.uncountedRows == null) return null;
  let count = counted;
  for (let r = from; r < rows.length; r += 1) {
    if (rows[r] && COLUMNS.some((column) => cellText(rows[r], columns[column]))) count += 1;
  }
  return count + rows.uncountedRows;
}

/** A cell whose value a formula computed: what the file saved is the value its program last cached. */
function isFormula(row, column) {
  const cell = column === -1 ? null : row[column];
  return cell != null && typeof cell === 'object' && typeof cell.f === 'string' && cell.f !== '';
}

function cellText(row, column) {
  return column === -1 ? '' : textOf(row[column]).trim().slice(0, CELL_TEXT_MAX);
}

/** Strings as they are; numbers, dates, booleans and errors as the sheet displays them; formulas by their value. */
function textOf(cell) {
  if (cell == null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell !== 'object' || cell.v == null) return '';
  if (cell.t === 's' || cell.t === 'str') return String(cell.v);
  if (cell.w != null) return String(cell.w);
  return String(cell.v);
}

function readWorkbook(bytes, sheetRows) {
  deferCodepageTables();
  const XLSX = require('sheetjs-style');
  const workbook = XLSX.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    type: 'buffer',
    dense: true,
    sheetRows,
    // Only to know which cells a formula computed (they are marked in the preview); never evaluated.
    cellFormula: true,
    cellHTML: false,
    cellStyles: false,
    cellNF: false,
    cellDates: false,
    bookVBA: false,
  });
  if (!workbook || !Array.isArray(workbook.SheetNames)) return null;
  const sheets = [];
  for (const name of workbook.SheetNames) {
    // Dense sheets are arrays. A sheet named like an Object.prototype member (`__proto__`,
    // `constructor`) is looked up all the same and used only if it really is a sheet.
    const rows = workbook.Sheets[name];
    if (Array.isArray(rows)) sheets.push({ name: String(name), rows });
  }
  return sheets;
}

/**
 * sheetjs-style loads its codepage tables when it is loaded, unless a global `cptable` exists, and
 * building them (the CJK ones above all) takes about 0.1 s of a fresh process. Only legacy formats
 * (.xls, SpreadsheetML) decode codepages; sheetjs-style reaches them through `cptable.utils` at that
 * point, so a stand-in that loads the real tables on first use keeps them out of an .xlsx or .ods
 * parse without changing what any parse returns.
 */
function deferCodepageTables() {
  let tables;
  const load = () => (tables ??= require('sheetjs-style/dist/cpexcel.js'));
  globalThis.cptable = new Proxy(
    {},
    {
      get: (_, key) => load()[key],
      has: (_, key) => key in load(),
    },
  );
}

/** CSV as spreadsheet programs save it: comma or semicolon (or tab), UTF-8 with or without BOM, else Windows-1252. */
function parseCsv(bytes, sheetRows) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  let start = 0;
  let separator = null;
  const declared = /^sep=(.)\r?\n/.exec(text);
  if (declared) {
    separator = declared[1];
    start = declared[0].length;
  }
  separator ??= guessSeparator(text.slice(start, start + 8192));
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (rows.length >= sheetRows) return Object.assign(rows, { uncountedRows: countRecords(text, i + 1, separator) });
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return Object.assign(rows, { uncountedRows: 0 });
}

/** Records from `start` on that hold anything but separators and spaces, without building them. */
function countRecords(text, start, separator) {
  let count = 0;
  let filled = false;
  let quoted = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') {
      quoted = !quoted;
      filled = true;
    } else if (!quoted && (char === '\n' || char === '\r')) {
      if (filled) count += 1;
      filled = false;
    } else if (char !== separator && char !== ' ' && char !== '\t') filled = true;
  }
  return filled ? count + 1 : count;
}

/** The separator that occurs most often outside quotes in the first lines; comma on a tie. */
function guessSeparator(sample) {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of sample) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char] += 1;
  }
  return [';', '\t'].reduce((best, candidate) => (counts[candidate] > counts[best] ? candidate : best), ',');
}
