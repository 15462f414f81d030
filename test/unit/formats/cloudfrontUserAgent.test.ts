import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudfrontFields } from '../../../src/formats/cloudfrontFields.js';
import { cloudfrontRealtime } from '../../../src/formats/cloudfrontRealtime.js';
import { emptyTally } from '../../../src/formats/logFormat.js';
import { percentDecode } from '../../../src/formats/percentDecode.js';

const realtimeUa = (raw: string): unknown => {
  const plan = cloudfrontFields('realtime', ['timestamp', 'cs-user-agent'], { keepClientIp: false });
  return plan.toEvent(plan.split(`1600299221.087\t${raw}`)).cs_user_agent;
};
const standardUa = (raw: string): unknown => {
  const plan = cloudfrontFields('standard', ['date', 'time', 'cs(User-Agent)'], { keepClientIp: false });
  return plan.toEvent(plan.split(`2019-12-04\t21:02:31\t${raw}`)).cs_user_agent;
};

describe('format: CloudFront user agents', () => {
  it('decodes a real-time user agent once: %2520 becomes %20 and + stays +', () => {
    expect(realtimeUa('wpbot/1.4;%2520+')).toBe('wpbot/1.4;%20+');
  });

  it('decodes a real-time user agent once through cloudfrontRealtime too', () => {
    // Prepare
    const tally = emptyTally();
    const parse = cloudfrontRealtime({ fields: ['timestamp', 'cs-user-agent'] }).createParser({ object: 'rt.gz', tally });

    // Act
    const event = parse('1600299221.087\tMozilla/5.0%20(compatible;%20wpbot/1.4;%2520+https://forms.gle/x)', 1);

    // Assess
    expect(event?.cs_user_agent).toBe('Mozilla/5.0 (compatible; wpbot/1.4;%20+https://forms.gle/x)');
  });

  it('still undoes the legacy double encoding of a standard-log user agent', () => {
    expect(standardUa('wpbot/1.4;%2520+')).toBe('wpbot/1.4; +');
  });

  it('decodes every real-time user agent exactly as one percentDecode (property)', () => {
    const piece = fc.constantFrom('a', '/', ';', '+', ' ', '%20', '%2520', '%25', '%2', '%zz', '%C3%A9');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }).map((p) => p.join('')), (raw) => {
        fc.pre(raw !== '-' && !raw.includes('\t'));
        expect(realtimeUa(raw)).toBe(percentDecode(raw));
      }),
    );
  });
});
