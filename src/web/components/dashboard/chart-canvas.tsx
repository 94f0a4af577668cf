import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

// Only what the dashboards draw, so the bundle carries no other chart types.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif';
Chart.defaults.color = '#1b1f24';
Chart.defaults.animation = false;

/** Colours with at least 4.5:1 contrast on white, told apart by hue and lightness. */
export const PALETTE = [
  '#0a58b8',
  '#b35900',
  '#1a7f37',
  '#8250df',
  '#8e1519',
  '#545d68',
  '#0f6e74',
];
export const STATUS_COLOURS = { succeeded: '#1a7f37', failed: '#8e1519', rolledBack: '#b35900' };

interface ChartCanvasProps {
  config: ChartConfiguration;
  /** What the chart shows, for people who cannot see it; the table below has the figures. */
  label: string;
}

/** A Chart.js chart on a canvas; the canvas is an image whose figures are in the table beside it. */
export function ChartCanvas({ config, label }: ChartCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, ...config.options },
    });
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
