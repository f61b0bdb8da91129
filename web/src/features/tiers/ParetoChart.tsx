// The Pareto curve (cumulative share of value over cumulative share of customers) with the tier cut-offs as
// mark lines; tree-shaken ECharts imports.
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

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
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    const onX = props.basis === 'customers';
    chart.current?.setOption(
      {
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
      },
      true,
    );
  }, [props.points, props.cutoffs, props.basis, props.xName, props.yName]);
  return <div ref={ref} style={{ height: 360, width: '100%' }} data-testid="pareto-chart" />;
}
