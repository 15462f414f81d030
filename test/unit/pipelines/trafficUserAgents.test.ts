import { describe, expect, it } from 'vitest';
import { summarizeWith } from '../../../src/core/summaryKind.js';
import { trafficSummary } from '../../../src/pipelines/cloudfront/trafficKind.js';
import { agentFamily } from '../../../src/pipelines/cloudfront/userAgentFamily.js';
import { event } from '../../helpers/factories.js';

/**
 * Real user agents and the families letsflow gives them. Browsers: from bowser's own acceptance
 * corpus, bowser-js/bowser `test/acceptance/useragentstrings.yml` (the parser's test fixtures).
 * Crawlers: the strings their operators publish (Google's "Googlebot" crawler overview, Bing
 * Webmaster's bingbot page, OpenAI's GPTBot page, Ahrefs' robot page) and the default agents of
 * curl 8, Wget, python-requests and Go's net/http, as they appear in access logs.
 */
const CORPUS: readonly (readonly [agent: string, browser: string, os: string, device: string, agentClass: 'bot' | 'human'])[] = [
  ['Mozilla/5.0 (Linux; Android 7.0; HUAWEI CAN-L01) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.99 Mobile Safari/537.36', 'Chrome 71', 'Android 7', 'mobile', 'human'],
  ['Mozilla/5.0 (Linux; Android 5.1.1; Nexus 9 Build/LMY48T) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/47.0.2526.83 Safari/537.36', 'Chrome 47', 'Android 5', 'tablet', 'human'],
  ['Mozilla/5.0 (iPhone; U; CPU iPhone OS 5_1_1 like Mac OS X; en) AppleWebKit/534.46.0 (KHTML, like Gecko) CriOS/19.0.1084.60 Mobile/9B206 Safari/7534.48.3', 'Chrome 19', 'iOS 5', 'mobile', 'human'],
  ['Mozilla/5.0 (iPad; U; CPU OS 5_1_1 like Mac OS X; en-us) AppleWebKit/534.46.0 (KHTML, like Gecko) CriOS/19.0.1084.60 Mobile/9B206 Safari/7534.48.3', 'Chrome 19', 'iOS 5', 'tablet', 'human'],
  ['Mozilla/5.0 (Windows NT 6.2; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0.1599.17 Safari/537.36', 'Chrome 30', 'Windows 8', 'desktop', 'human'],
  ['Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/29.0.1547.62 Safari/537.36', 'Chrome 29', 'Windows 7', 'desktop', 'human'],
  ['Mozilla/5.0 (X11; CrOS i686 4319.74.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/29.0.1547.57 Safari/537.36', 'Chrome 29', 'Chrome OS', 'desktop', 'human'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.112 Safari/537.36', 'Chrome 49', 'macOS', 'desktop', 'human'],
  ['Mozilla/5.0 (X11; U; Linux i686; en-US) AppleWebKit/534.3 (KHTML, like Gecko) Chrome/6.0.462.0 Safari/534.3', 'Chrome 6', 'Linux', 'desktop', 'human'],
  ['Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.113 Safari/537.36 Roku/DVP-7.53 (147.53E04068A)', 'Chrome 60', 'Roku 7', 'tv', 'human'],
  ['Mozilla/5.0 (Linux; Android 10; SM-G970F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3396.81 Mobile Safari/537.36', 'Chrome 75', 'Android 10', 'mobile', 'human'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/83.0.268992909 Mobile/15E148 Safari/605.1', 'Google Search 83', 'iOS 12', 'mobile', 'human'],
  ['Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/3.4 Mobile Safari/535.19 Silk-Accelerated=true', 'Amazon Silk 3', 'Android 4', 'tablet', 'human'],
  ['Mozilla/5.0 (Linux; Android 13; V2279A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.200 Mobile Safari/537.36 VivoBrowser/28.4.3.0', 'Vivo Browser 28', 'Android 13', 'mobile', 'human'],
  // Crawlers and tools.
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot 2', 'unknown', 'bot', 'bot'],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'BingCrawler 2', 'unknown', 'bot', 'bot'],
  ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', 'GPTBot 1', 'unknown', 'bot', 'bot'],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 'AhrefsBot', 'unknown', 'bot', 'bot'],
  ['curl/8.4.0', 'curl', 'unknown', 'bot', 'bot'],
  ['Wget/1.21.3', 'Wget', 'unknown', 'bot', 'bot'],
  ['python-requests/2.31.0', 'python-requests', 'unknown', 'bot', 'bot'],
  ['Go-http-client/1.1', 'Go-http-client', 'unknown', 'bot', 'bot'],
];

describe('pipeline: cloudfront user-agent families', () => {
  it.each(CORPUS)('%s', (agent, browser, os, device, agentClass) => {
    // Act
    const family = agentFamily(agent);
    // Assess
    expect(family).toEqual({ browser, os, device, agentClass });
  });

  it('counts each family of the corpus in the summary, bots included, once per request', () => {
    // Prepare: every agent twice
    const events = [...CORPUS, ...CORPUS].map(([agent], i) => event({ cs_user_agent: agent, timestamp: 1_771_027_200_000 + i }));
    // Act
    const s = summarizeWith(trafficSummary, events);
    // Assess
    expect(s.breakdowns.agent_classes.keys.get('bot')?.count).toBe(2 * CORPUS.filter((c) => c[4] === 'bot').length);
    expect(s.breakdowns.agent_classes.keys.get('human')?.count).toBe(2 * CORPUS.filter((c) => c[4] === 'human').length);
    expect(s.breakdowns.browsers.keys.get('Chrome 19')?.count).toBe(4);
    expect(s.breakdowns.devices.keys.get('bot')?.count).toBe(16);
  });

  it('reads an empty or unreadable agent as unknown, never throwing', () => {
    expect(agentFamily('')).toEqual({ browser: 'unknown', os: 'unknown', device: 'unknown', agentClass: 'human' });
    expect(agentFamily('\u0000\uffff')).toMatchObject({ browser: 'unknown' });
  });
});
