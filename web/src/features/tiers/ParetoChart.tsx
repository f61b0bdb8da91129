// The Pareto curve (cumulative share of value over cumulative share of customers) with the tier cut-offs as
// mark lines, drawn by the one chart wrapper.
import { useMemo } from 'react';
import { Chart } from '../../app/ui/Chart';

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** One dashed line per distinct cut-off (tiers sharing a cut-off share the line and its label). */
function cutoffLines(cutoffs: { code: string; cutoff: number }[], onX: boolean) {
  const at = new Map<number, string[]>();
  for (const c of cutoffs) if (c.cutoff < 1) at.set(c.cutoff, [...(at.get(c.cutoff) ?? []), c.code]);
  return [...at].map(([v, codes]) => {
    const name = `${codes.join(' / ')} ${pct(v)}`;
    return onX ? { name, xAxis: v } : { name, yAxis: v };
  });
}

export function ParetoChart(props: {
  points: { customerShare: number; valueShare: number }[];
  cutoffs: { code: string; cutoff: number }[];
  basis: string;
  xName: string;
  yName: string;
}) {
  const option = useMemo(() => {
    const onX = props.basis === 'customers';
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => pct(v),
      },
      grid: { left: 64, right: 32, top: 40, bottom: 48 },
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: props.xName,
        nameLocation: 'middle',
        nameGap: 28,
        axisLabel: { formatter: pct },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: props.yName,
        nameLocation: 'middle',
        nameGap: 48,
        axisLabel: { formatter: pct },
      },
      series: [
        {
          type: 'line',
          smooth: true,
          showSymbol: false,
          areaStyle: { opacity: 0.15 },
          data: [[0, 0], ...props.points.map((p) => [p.customerShare, p.valueShare])],
          markLine: {
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#fa541c' },
            label: { formatter: (p: { name: string }) => p.name, position: 'end' },
            data: cutoffLines(props.cutoffs, onX),
          },
        },
      ],
    };
  }, [props.points, props.cutoffs, props.basis, props.xName, props.yName]);
  return <Chart option={option} height={360} testId="pareto-chart" />;
}
