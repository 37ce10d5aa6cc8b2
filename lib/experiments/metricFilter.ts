import { z } from 'zod';

/** A metric's name as steps report it: `accuracy`, `holdout_rmse`, `f1.macro`. */
export const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const MetricNameSchema = z.string().regex(METRIC_NAME, 'a metric name is letters, digits, _, . and -, starting with a letter or _');

const OPERATORS = ['>=', '<=', '!=', '>', '<', '='] as const;
export type MetricOperator = (typeof OPERATORS)[number];

export interface MetricCondition {
  metric: string;
  op: MetricOperator;
  value: number;
}

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(>=|<=|!=|>|<|=)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*$/i;

/**
 * Reads `accuracy>0.8, rmse<=3` (conditions joined by `,` or ` and `) into conditions; throws an
 * error naming the part it cannot read.
 */
export function parseMetricFilter(text: string): MetricCondition[] {
  const parts = text.split(/,|\band\b/i).filter((part) => part.trim() !== '');
  if (parts.length === 0) throw new Error("expected conditions such as 'accuracy>0.8' or 'accuracy>=0.8, rmse<3'");
  return parts.map((part) => {
    const match = CONDITION.exec(part);
    if (!match) throw new Error(`'${part.trim()}' is not a condition: expected <metric> <${OPERATORS.join('|')}> <number>, such as accuracy>0.8`);
    return { metric: match[1] as string, op: match[2] as MetricOperator, value: Number(match[3]) };
  });
}

/** The same rule as a zod schema for query strings: the API answers 422 with the message above. */
export const MetricFilterSchema = z.string().transform((text, ctx) => {
  try {
    return parseMetricFilter(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
