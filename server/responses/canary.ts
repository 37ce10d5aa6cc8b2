import { z } from 'zod';
import { CanaryAnalysisSchema } from '../../lib/store/canaryTables';
import { ShadowSummarySchema } from '../../lib/store/shadowPredictionsTable';

export const CanaryAnalysesSchema = z.object({ model: z.string(), analyses: z.array(CanaryAnalysisSchema) });

export const ShadowSummariesSchema = z.object({ model: z.string(), shadows: z.array(ShadowSummarySchema) });
