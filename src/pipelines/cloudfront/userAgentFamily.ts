import Bowser from 'bowser';

/** The families of one user agent, as the traffic summary counts them. */
export interface AgentFamily {
  /** Browser (or crawler) name and major version, e.g. `Chrome 120`, `Googlebot 2`; `unknown` when the parser names none. */
  readonly browser: string;
  /** Operating system and major version where it has one, e.g. `Windows 10`, `iOS 17`, `Linux`. */
  readonly os: string;
  /** `desktop`, `mobile`, `tablet`, `tv`, `bot` or `unknown`. */
  readonly device: string;
  /** `bot` or `human`. */
  readonly agentClass: 'bot' | 'human';
}

/**
 * Tools and crawlers that bowser 2.15 does not type as `bot` (it names only the big crawlers):
 * the generic tokens of crawler and HTTP-library agents. A list like isbot's, kept short on
 * purpose: a false "bot" moves a human out of the visitor figures, so only unambiguous tokens.
 */
const BOT_TOKENS =
  /bot\b|bot\/|crawl|spider|slurp|scrap|curl\/|wget\/|python-|python\/|go-http-client|okhttp|java\/|axios\/|node-fetch|undici|libwww|httpclient|http_request|headless|phantomjs|facebookexternalhit|monitor|uptime|lighthouse|pingdom|feedfetcher|preview|archiver|zgrab|masscan|nmap|health-?check|^mozilla\/5\.0$/i;

const major = (version: string | undefined): string => {
  if (!version) return '';
  const dot = version.indexOf('.');
  return dot < 0 ? version : version.slice(0, dot);
};

/**
 * The browser, OS, device class and bot-or-human class of a raw user agent, from bowser 2.x
 * (MIT; `platform.type` `bot` for the crawlers it knows) plus the generic crawler and
 * HTTP-library tokens above. Costs ~13 µs an agent: callers memoize it per distinct agent.
 *
 * @example
 * ```ts
 * import { agentFamily } from 'letsflow';
 * agentFamily('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
 * // { browser: 'Googlebot 2', os: 'unknown', device: 'bot', agentClass: 'bot' }
 * ```
 * @param agent the decoded User-Agent header
 * @returns its families
 */
export function agentFamily(agent: string): AgentFamily {
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(agent);
  } catch {
    // bowser throws on an empty agent; anything else it cannot read is as unknown.
    parsed = { browser: {}, os: {}, platform: {}, engine: {} } as Bowser.Parser.ParsedResult;
  }
  const known = parsed.platform.type === 'bot';
  const isBot = known || BOT_TOKENS.test(agent);
  // A crawler bowser does not know it names by the agent's first token (`Mozilla 5`): its own product token says more.
  const generic = isBot && !known && (!parsed.browser.name || parsed.browser.name === 'Mozilla');
  const name = generic ? botName(agent) : (parsed.browser.name ?? '');
  const version = generic ? '' : major(parsed.browser.version);
  const browser = name ? (version ? `${name} ${version}` : name) : 'unknown';
  const osName = parsed.os.name;
  // Windows' versionName (10, 11, XP) is what people call it; others' major version.
  const osVersion = osName === 'Windows' ? (parsed.os.versionName ?? '') : osName === 'macOS' ? '' : major(parsed.os.version);
  const os = osName ? (osVersion ? `${osName} ${osVersion}` : osName) : 'unknown';
  const device = isBot ? 'bot' : (parsed.platform.type ?? 'unknown');
  return { browser, os, device, agentClass: isBot ? 'bot' : 'human' };
}

/** The product token of an agent bowser does not name (`curl/8.4.0` → `curl`), so tools are told apart. */
function botName(agent: string): string {
  const compatible = /compatible;\s*([A-Za-z][\w.-]*)/.exec(agent);
  const token = compatible?.[1] ?? /^([A-Za-z][\w.-]*)/.exec(agent)?.[1];
  return token ?? 'other bot';
}
