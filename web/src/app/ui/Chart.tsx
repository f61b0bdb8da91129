// The one ECharts wrapper of the web app: tree-shaken imports of only the chart kinds and components the screens
// use, resized with its container, disposed on unmount; a click on a bar or point is handed to `onClick` so a
// screen can open the records behind the number.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** What a click on a data item tells: the category (or point) name, the series, the index and value. */
export type ChartClick = {
  name: string;
  seriesName?: string;
  seriesIndex?: number;
  dataIndex: number;
  value: unknown;
};

export function Chart(props: {
  option: echarts.EChartsCoreOption;
  onClick?: (p: ChartClick) => void;
  height?: number;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const onClick = useRef(props.onClick);
  onClick.current = props.onClick;
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    c.on('click', (p) => onClick.current?.(p as unknown as ChartClick));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(props.option, true);
  }, [props.option]);
  return (
    <div
      ref={ref}
      data-testid={props.testId}
      style={{ height: props.height ?? 280, width: '100%', cursor: props.onClick ? 'pointer' : undefined }}
    />
  );
}

/** Bars over categories, one series each (stacked when they share `stack`); a legend when `legend` is not false. */
export function BarsChart(props: {
  categories: string[];
  series: { name: string; data: number[]; color?: string; stack?: string }[];
  height?: number;
  testId?: string;
  legend?: boolean;
  /** The value written on top of each bar. */
  labels?: boolean;
  animation?: boolean;
  onClick?: (p: ChartClick) => void;
}) {
  const { categories, series, legend = true, labels = false, animation = true } = props;
  const option = useMemo<echarts.EChartsCoreOption>(
    () => ({
      animation,
      tooltip: { trigger: 'axis' },
      legend: legend ? { top: 0 } : undefined,
      grid: {
        left: legend ? 40 : 8,
        right: 16,
        top: legend ? 36 : 16,
        bottom: legend ? 28 : 8,
        containLabel: true,
      },
      xAxis: { type: 'category', data: categories },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.data,
        stack: s.stack,
        itemStyle: s.color ? { color: s.color } : undefined,
        label: labels ? { show: true, position: 'top' } : undefined,
        barMaxWidth: 40,
      })),
    }),
    [categories, series, legend, labels, animation],
  );
  return <Chart option={option} onClick={props.onClick} height={props.height} testId={props.testId} />;
}
