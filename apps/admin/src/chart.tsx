import type { DeliveryHour } from './api';

/** A round upper bound for the y axis and its ticks (1, 2, 5 × 10ⁿ steps). */
export function yAxis(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: ticks, step: 1 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const wholeStep = Math.max(1, Math.ceil(step));
  return { top: wholeStep * Math.ceil(max / wholeStep), step: wholeStep };
}

const W = 900;
const H = 260;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };
const SERIES = [
  ['delivered', 'Delivered'],
  ['retry', 'Retried'],
  ['failed', 'Failed'],
] as const;

/** Delivery attempts per hour, stacked by outcome. Drawn as plain SVG (no chart library, no inline style). */
export function DeliveryChart({ hours }: { hours: DeliveryHour[] }) {
  const totals = hours.map((h) => h.delivered + h.retry + h.failed);
  const { top, step } = yAxis(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, hours.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.max(1, Math.ceil(hours.length / 12));
  const sum = (key: (typeof SERIES)[number][0]) => hours.reduce((n, h) => n + h[key], 0);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Delivery attempts per hour over the last ${hours.length} hours`}>
        {Array.from({ length: top / step + 1 }, (_, i) => i * step).map((v) => (
          <g key={v}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="tick" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {hours.map((h, i) => {
          let base = 0;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const label = new Date(h.hour);
          return (
            <g key={h.hour}>
              <title>{`${label.toLocaleString()}: ${h.delivered} delivered, ${h.retry} retried, ${h.failed} failed`}</title>
              {SERIES.map(([key]) => {
                const value = h[key];
                if (!value) return null;
                const rect = <rect key={key} className={`bar bar-${key}`} x={x} width={barW} y={y(base + value)} height={y(base) - y(base + value)} />;
                base += value;
                return rect;
              })}
              {i % labelEvery === 0 && (
                <text className="tick" x={x + barW / 2} y={H - PAD.bottom + 16} textAnchor="middle">
                  {`${String(label.getHours()).padStart(2, '0')}:00`}
                </text>
              )}
            </g>
          );
        })}
        <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
      </svg>
      <figcaption>
        {SERIES.map(([key, label]) => (
          <span key={key} className="legend">
            <svg viewBox="0 0 10 10" aria-hidden="true">
              <rect className={`bar bar-${key}`} width="10" height="10" />
            </svg>
            {label}: {sum(key)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
