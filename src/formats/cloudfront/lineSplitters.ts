/** Like `line.split('\t')`, into one reused array: a little faster, and no array per line. */
export function wholeSplitter(): (line: string) => readonly string[] {
  const columns: string[] = [];
  return (line) => {
    let column = 0;
    let start = 0;
    for (let tab = line.indexOf('\t'); tab !== -1; tab = line.indexOf('\t', start)) {
      columns[column++] = line.slice(start, tab);
      start = tab + 1;
    }
    columns[column++] = line.slice(start);
    columns.length = column;
    return columns;
  };
}

/** Slices only the wanted columns, but still counts every TAB so a wrong column count is caught. */
export function selectiveSplitter(wanted: Int32Array): (line: string) => readonly string[] {
  const columns: string[] = [];
  return (line) => {
    let column = 0;
    let start = 0;
    let next = 0;
    for (;;) {
      const tab = line.indexOf('\t', start);
      if (next < wanted.length && wanted[next] === column) {
        columns[column] = tab === -1 ? line.slice(start) : line.slice(start, tab);
        next++;
      }
      column++;
      if (tab === -1) break;
      start = tab + 1;
      if (next === wanted.length) {
        for (let t = line.indexOf('\t', start); t !== -1; t = line.indexOf('\t', t + 1)) column++;
        column++;
        break;
      }
    }
    columns.length = column;
    return columns;
  };
}
