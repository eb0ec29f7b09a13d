/** Thresholds in the words of alert descriptions: '5 %', '500 ms', '512 MiB'. */
export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(4))} %`;
}

export function duration(seconds: number): string {
  return seconds < 1 ? `${Number((seconds * 1000).toPrecision(4))} ms` : `${Number(seconds.toPrecision(4))} s`;
}

export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) [scaled, unit] = [scaled / 1024, unit + 1];
  return `${Number(scaled.toPrecision(4))} ${units[unit]}`;
}
