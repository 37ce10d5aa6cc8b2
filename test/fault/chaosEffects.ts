/** The table in which chaos-work steps record each completed execution (run, step, worker pid). */
export const CHAOS_EFFECTS_TABLE = 'chaos_effects';
