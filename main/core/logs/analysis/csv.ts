/**
 * A small RFC 4180 CSV reader, enough for the Loghub structured files (the GA evaluation's ground truth):
 * quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF ends a record. Written here
 * rather than taken from a library because it is the only CSV Lookout reads and it is 60 lines.
 */

/** Parse CSV text into rows of fields. Throws, naming `source` and the line, on an unterminated quote. */
export function parseCsv(text: string, source = 'CSV'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  const n = text.length;
  // A quote only opens a quoted field at the field's start; elsewhere it is an ordinary character.
  let atFieldStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (atFieldStart && c === 34 /* " */) {
      const opened = line;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`${source}: line ${opened}: a quoted field is never closed`);
        const q = text.charCodeAt(i);
        if (q === 34) {
          if (text.charCodeAt(i + 1) === 34) {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === 10) line++;
        field += text[i];
        i++;
      }
      atFieldStart = false;
      continue;
    }
    if (c === 44 /* , */) {
      row.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === 10 || c === 13) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
    } else {
      field += text[i];
      atFieldStart = false;
      i++;
    }
  }
  // The last record needs no line break after it; a trailing break adds no empty record.
  if (!atFieldStart || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parse CSV text whose first row is a header into objects keyed by column name. */
export function parseCsvRecords(text: string, source = 'CSV'): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text, source);
  if (!header) return [];
  return rows.map((r, idx) => {
    if (r.length !== header.length) throw new Error(`${source}: record ${idx + 1} has ${r.length} fields, the header has ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]!]));
  });
}
