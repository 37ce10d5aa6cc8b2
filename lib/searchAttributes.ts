import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes on every run, so the Temporal Web UI and `temporal workflow list --query`
 * can filter Cairn runs. Pure definitions: imported by workflows as well as by the client side.
 */
export const CAIRN_PIPELINE = defineSearchAttributeKey('CairnPipeline', SearchAttributeType.KEYWORD);
export const CAIRN_TRIGGER = defineSearchAttributeKey('CairnTrigger', SearchAttributeType.KEYWORD);
export const CAIRN_STATUS = defineSearchAttributeKey('CairnStatus', SearchAttributeType.KEYWORD);
export const CAIRN_MODEL = defineSearchAttributeKey('CairnModel', SearchAttributeType.KEYWORD);

export const CAIRN_SEARCH_ATTRIBUTES = [CAIRN_PIPELINE, CAIRN_TRIGGER, CAIRN_STATUS, CAIRN_MODEL];

/** Set by Temporal on runs a Schedule starts (and backfills): the fire time the run is for. */
export const TEMPORAL_SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
