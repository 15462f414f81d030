/** The made-up distribution the demo traffic is served from: its domain, its id, and the site's main CNAME. */
export const DEMO_DISTRIBUTION_HOST = 'd3dem01etsf10w.cloudfront.net';
export const DEMO_DISTRIBUTION_ID = 'E2DEM01ETSF10W';
export const DEMO_VIEWER_HOST = 'www.example.com';
