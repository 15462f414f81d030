import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudFrontEvent } from '../../../src/formats/cloudfront/event.js';
import { cloudfrontStandard, OLDEST_LAYOUT_COLUMNS } from '../../../src/formats/cloudfrontStandard.js';
import { emptyTally, type ParseTally } from '../../../src/formats/logFormat.js';

// The AWS developer guide's example line 6 (33 columns), and the 18-field header and line of 2014
// (allinurl/goaccess issue #108, TABs restored) — the oldest standard layout seen.
const AWS_LINE_6 =
  '2019-12-13\t22:37:02\tSEA19-C2\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/\t502\t-\tcurl/7.55.1\t-\t-\tError\tkBkDzGnceVtWHqSCqBUqtA_cEs2T3tFUBbnBNkB9El_uVRhHgcZfcw==\twww.example.com\thttp\t387\t0.103\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t12644\t0.103\tOriginDnsError\ttext/html\t507\t-\t-';
const HEADER_18 =
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes';
const LINE_18 =
  '2014-04-28\t09:59:49\tLHR50\t1658497\t212.95.254.154\tGET\td11bmwv5kte7kk.cloudfront.net\t/user-fsac5u7q/videos/2014-04-03/1-OptiGrill-TV-AD-OK_.mp4\t206\thttp://vidzor.com/media/projects/MR4CoTBKd7_.html?t=201404251321&embed=true\tMozilla/5.0%2520(Windows%2520NT%25206.2;%2520WOW64)%2520AppleWebKit/537.36%2520(KHTML,%2520like%2520Gecko)%2520Chrome/34.0.1847.116%2520Safari/537.36\t-\t-\tHit\tPz-E4NGyogTStvPI1N9HQeJtiULC-zB00Zmpe_CfeexP18FKMO5IXA==\t65.cdn.vidzor.com\thttp\t827';
const BOM = '\uFEFF';

function parseLines(lines: readonly string[]): { events: CloudFrontEvent[]; tally: ParseTally } {
  const tally = emptyTally();
  const parse = cloudfrontStandard().createParser({ object: 'E2EXAMPLE.2019-12-13-22.abc.gz', tally });
  const events = lines.flatMap((line, i) => parse(line, i + 1) ?? []);
  return { events, tally };
}

const firstColumns = (line: string, n: number): string => line.split('\t').slice(0, n).join('\t');

describe('format: cloudfrontStandard short lines', () => {
  it('states the minimum as the 18 columns of the oldest layout', () => {
    expect(OLDEST_LAYOUT_COLUMNS).toBe(18);
    expect(HEADER_18.split(' ').length - 1).toBe(OLDEST_LAYOUT_COLUMNS);
    expect(LINE_18.split('\t')).toHaveLength(OLDEST_LAYOUT_COLUMNS);
  });

  it('rejects a headerless line cut after date, time and a few fields as column_count, not an event', () => {
    // Prepare
    const cut = firstColumns(AWS_LINE_6, 4);

    // Act
    const { events, tally } = parseLines([cut]);

    // Assess
    expect(events).toEqual([]);
    expect(tally).toMatchObject({ events: 0, errors: 1 });
    expect(tally.errorRecords[0]).toMatchObject({ line: 1, code: 'column_count' });
    expect(tally.errorRecords[0]?.reason).toMatch(/found 4; at least 18/);
  });

  it('rejects a 33-field line cut to 17 columns but reads one of 18 (the oldest layout)', () => {
    // Prepare
    const lines = [firstColumns(AWS_LINE_6, 17), firstColumns(AWS_LINE_6, 18)];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ events: 1, errors: 1 });
    expect(tally.errorRecords[0]).toMatchObject({ line: 1, code: 'column_count' });
    expect(events[0]).toMatchObject({ sc_status: 502, cs_bytes: 387 });
    expect(events[0]).not.toHaveProperty('time_taken');
  });

  it('rejects a cut line under an 18-field header as well as under the 33-field default', () => {
    const { events, tally } = parseLines(['#Version: 1.0', HEADER_18, LINE_18, firstColumns(LINE_18, 6)]);
    expect(events).toHaveLength(1);
    expect(tally).toMatchObject({ events: 1, headers: 2, errors: 1 });
    expect(tally.errorRecords[0]).toMatchObject({ line: 4, code: 'column_count' });
  });

  it('needs every column of a header that names fewer fields than the oldest layout (a v2 subset)', () => {
    const { events, tally } = parseLines(['#Fields: date time sc-status', '2019-12-04\t21:02:31\t200', '2019-12-04\t21:02:31']);
    expect(events).toEqual([{ timestamp: Date.UTC(2019, 11, 4, 21, 2, 31), sc_status: 200 }]);
    expect(tally.errorRecords.map((r) => [r.line, r.code])).toEqual([[3, 'column_count']]);
  });

  it('makes an event of a headerless line only with at least 18 columns (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 34 }), (count) => {
        const { events, tally } = parseLines([firstColumns(`${AWS_LINE_6}\t`, count)]);
        expect(events.length).toBe(count >= OLDEST_LAYOUT_COLUMNS ? 1 : 0);
        expect(tally.events + tally.errors).toBe(1);
      }),
    );
  });
});

describe('format: cloudfrontStandard byte-order marks', () => {
  it('reads the #Version and #Fields headers of a second file joined on with its BOM', () => {
    // Prepare: two objects joined; the second starts with a BOM and a different field list
    const lines = ['#Version: 1.0', HEADER_18, LINE_18, `${BOM}#Version: 1.0`, '#Fields: date time sc-status cs-uri-stem', '2019-12-04\t21:02:31\t304\t/a'];

    // Act
    const { events, tally } = parseLines(lines);

    // Assess
    expect(tally).toMatchObject({ events: 2, headers: 4, errors: 0 });
    expect(events[1]).toEqual({ timestamp: Date.UTC(2019, 11, 4, 21, 2, 31), sc_status: 304, cs_uri_stem: '/a' });
  });

  it('reads a #Fields header that starts with a BOM (a joined v2 w3c file, which has no #Version line)', () => {
    const lines = [HEADER_18, LINE_18, `${BOM}#Fields: date time sc-status cs-uri-stem`, '2019-12-04\t21:02:31\t304\t/a'];
    const { events, tally } = parseLines(lines);
    expect(tally).toMatchObject({ events: 2, headers: 2, errors: 0 });
    expect(events[1]).toEqual({ timestamp: Date.UTC(2019, 11, 4, 21, 2, 31), sc_status: 304, cs_uri_stem: '/a' });
  });

  it('drops a BOM at the start of a data line of a headerless file', () => {
    const { events, tally } = parseLines([AWS_LINE_6, `${BOM}${AWS_LINE_6}`]);
    expect(tally).toMatchObject({ events: 2, errors: 0 });
    expect(events[1]).toEqual(events[0]);
  });
});
