// Records are signed (src/records/state-keys.ts): the suite signs with a fixed test secret unless a
// test sets its own. Tests of the key's derivation from the private key clear it themselves.
process.env.STATE_SECRET ??= "pipeline-guard-test-state-secret";
