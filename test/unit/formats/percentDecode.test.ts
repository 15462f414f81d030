import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentDecode } from '../../../src/formats/percentDecode.js';

/** Reference: WHATWG percent-decode over the whole UTF-8 byte string, then one lenient UTF-8 decode. */
function referenceDecode(s: string): string {
  const input = new TextEncoder().encode(s);
  const out: number[] = [];
  const hex = (b: number | undefined): number => {
    if (b === undefined) return -1;
    const c = String.fromCharCode(b);
    return /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
  };
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    const hi = hex(input[i + 1]);
    const lo = hex(input[i + 2]);
    if (b === 0x25 && hi >= 0 && lo >= 0) {
      out.push(hi * 16 + lo);
      i += 2;
    } else {
      out.push(b);
    }
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(out));
}

const fragment = fc.oneof(
  fc.constantFrom('%', '%2', '%zz', '%E2', '%82', '%AC', '%C3', '%A9', '%FF', '%20', '%2520', '%0A', '%ED%A0%80', '%EF%BB%BF', '+', '%%41'),
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

describe('format: percentDecode', () => {
  it('returns a value without % unchanged', () => {
    // Prepare
    const value = 'curl/7.55.1';

    // Act
    const decoded = percentDecode(value);

    // Assess
    expect(decoded).toBe(value);
  });

  it('decodes once: %2520 becomes %20, not a space', () => {
    // Prepare: a referer from goaccess issue #1830 (github.com/allinurl/goaccess/issues/1830), a URL the client had encoded already
    const referer = 'https://m.mydomain.com/c65aac?app_data=%257B%2522media%2522%253A%2522a730dd08-c427-405d-82d0-77945684171b%2522%257D';

    // Act
    const decoded = percentDecode(referer);

    // Assess
    expect(decoded).toBe('https://m.mydomain.com/c65aac?app_data=%7B%22media%22%3A%22a730dd08-c427-405d-82d0-77945684171b%22%7D');
  });

  it('keeps a literal + (no form decoding)', () => {
    // Prepare: the user agent of a real 2026 real-time line (the-cyber-boardroom/SGraph-AI__Service__Playwright,
    // tests/unit/sgraph_ai_service_playwright__cli/elastic/lets/cf/events/service/test_CF__Realtime__Log__Parser.py, LINE_1)
    const ua = 'Mozilla/5.0%20(compatible;%20wpbot/1.4;%20+https://forms.gle/ajBaxygz9jSR8p8G9)';

    // Act
    const decoded = percentDecode(ua);

    // Assess
    expect(decoded).toBe('Mozilla/5.0 (compatible; wpbot/1.4; +https://forms.gle/ajBaxygz9jSR8p8G9)');
  });

  it.each([
    ['a trailing escape cut short (800-byte truncation)', 'session=abc%2', 'session=abc%2'],
    ['a lone trailing %', 'a%20b%', 'a b%'],
    ['a non-hex escape', '%zz%20x', '%zz x'],
    ['a % before a valid escape', '%%41', '%A'],
  ])('keeps %s as it is', (_case, raw, expected) => {
    // Prepare: raw and expected come from the table

    // Act
    const decoded = percentDecode(raw);

    // Assess
    expect(decoded).toBe(expected);
  });

  it('decodes UTF-8 escapes and replaces invalid sequences with U+FFFD', () => {
    // Prepare
    const values = ['%C3%A9t%C3%A9', '%E2%82', '%E2%82%AC', '%FFa', '%ED%A0%80'];

    // Act
    const decoded = values.map(percentDecode);

    // Assess
    expect(decoded).toEqual(['été', '\uFFFD', '€', '\uFFFDa', '\uFFFD\uFFFD\uFFFD']);
  });

  it('keeps an escaped byte-order mark', () => {
    // Prepare
    const value = '%EF%BB%BF%zz';

    // Act
    const decoded = percentDecode(value);

    // Assess
    expect(decoded).toBe('\uFEFF%zz');
  });

  it('inverts encodeURIComponent for any well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        // Prepare
        const encoded = encodeURIComponent(text);

        // Act
        const decoded = percentDecode(encoded);

        // Assess
        expect(decoded).toBe(text);
      }),
    );
  });

  it('never throws and agrees with a byte-level reference decoder', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
        // Prepare
        const raw = parts.join('');

        // Act
        const decoded = percentDecode(raw);

        // Assess
        expect(decoded).toBe(referenceDecode(raw));
      }),
      { numRuns: 500 },
    );
  });
});
