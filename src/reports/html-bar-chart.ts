import { formatUsd } from './format-values.js';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One bar: its label and value (USD); `null` draws no bar and reads `n/a`. */
export interface Bar {
  label: string;
  value: number | null;
}

/**
 * A horizontal bar chart as inline SVG (no script, no external asset). Labels and values are
 * escaped; bar lengths are proportional to the largest value.
 */
export function svgBarChart({ title, bars }: { title: string; bars: readonly Bar[] }): string {
  const rowHeight = 28;
  const labelWidth = 220;
  const barWidth = 360;
  const height = bars.length * rowHeight + 8;
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0));
  const rows = bars.map((bar, i) => {
    const y = i * rowHeight + 4;
    const width = bar.value === null || max === 0 ? 0 : Math.max(1, (bar.value / max) * barWidth);
    return `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escapeHtml(bar.label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 10}" rx="3"></rect>`
      + `<text x="${labelWidth + width + 6}" y="${y + 18}">${escapeHtml(formatUsd(bar.value))}</text>`;
  });
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>`
    + `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${labelWidth + barWidth + 110}" `
    + `height="${height}" viewBox="0 0 ${labelWidth + barWidth + 110} ${height}">${rows.join('')}</svg></figure>`;
}
