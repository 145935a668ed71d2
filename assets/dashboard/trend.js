// One trend chart: CPR per day or week as lines, the cost behind it as stacked bars.
/* global Chart */
import { money } from './format.js';

const COLOURS = { ai: '#2563eb', human: '#c2410c', blended: '#111827', llm: 'rgba(37, 99, 235, 0.25)', work: 'rgba(194, 65, 12, 0.25)', fixed: 'rgba(107, 114, 128, 0.25)' };
let chart = null;

/** Draws (or redraws) the trend of `series` (`GET /api/trend`). */
export function renderTrend(series) {
  const points = series.points;
  const line = (label, key, colour) => ({ type: 'line', label, data: points.map((p) => p[key]), borderColor: colour, backgroundColor: colour,
    yAxisID: 'cpr', spanGaps: true, tension: 0.2, pointRadius: 2, borderWidth: 2 });
  const bar = (label, key, colour) => ({ type: 'bar', label, data: points.map((p) => p[key]), backgroundColor: colour, yAxisID: 'cost', stack: 'cost' });
  const data = {
    labels: points.map((p) => p.period),
    datasets: [
      line('True AI CPR', 'aiJourneyCostPerResolutionUsd', COLOURS.ai),
      line('Human-only CPR', 'humanOnlyCostPerResolutionUsd', COLOURS.human),
      line('Blended CPR', 'costPerResolutionUsd', COLOURS.blended),
      bar('LLM cost', 'llmCostUsd', COLOURS.llm),
      bar('Human work', 'humanCostUsd', COLOURS.work),
      bar('Fixed', 'fixedCostUsd', COLOURS.fixed),
    ],
  };
  const options = {
    animation: false,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      cost: { position: 'left', stacked: true, beginAtZero: true, title: { display: true, text: 'cost (USD)' }, ticks: { callback: (v) => money(v) } },
      cpr: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'CPR (USD)' }, ticks: { callback: (v) => money(v) } },
      x: { stacked: true },
    },
    plugins: {
      legend: { position: 'bottom' },
      tooltip: {
        callbacks: {
          label: (item) => `${item.dataset.label}: ${money(item.raw)}`,
          footer: (items) => {
            const p = points[items[0].dataIndex];
            return `${p.tickets} tickets, ${p.resolved} resolved (${p.aiResolved} by the bot alone)`;
          },
        },
      },
    },
  };
  if (chart !== null) chart.destroy();
  chart = new Chart(document.getElementById('trend-chart'), { type: 'bar', data, options });
}
