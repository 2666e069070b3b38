// Answering reviews: the pure rules of the reply workflow (no I/O). See README "Answering reviews".

// --- state.ts: the reply fold and its confirmation at the source ---

// --- decide.ts, templates.ts, rules.ts, throttle.ts: the decisions behind the API and the rules ---
