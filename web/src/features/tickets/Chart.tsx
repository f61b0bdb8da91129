// A small ECharts bar chart (tree-shaken imports), resized with its container.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function BarsChart(props: {
  categories: string[];
  series: { name: string; data: number[]; color?: string; stack?: string }[];
  height?: number;
  testId?: string;
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
    chart.current?.setOption(
      {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
        xAxis: { type: 'category', data: props.categories },
        yAxis: { type: 'value', minInterval: 1 },
        series: props.series.map((s) => ({
          type: 'bar',
          name: s.name,
          data: s.data,
          stack: s.stack,
          itemStyle: s.color ? { color: s.color } : undefined,
          barMaxWidth: 40,
        })),
      },
      true,
    );
  }, [props.categories, props.series]);
  return <div ref={ref} style={{ height: props.height ?? 280, width: '100%' }} data-testid={props.testId} />;
}
