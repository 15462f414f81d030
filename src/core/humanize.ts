/** A count for people: `12,345`. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** A size for people, in powers of 1000: `1.2 MB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
