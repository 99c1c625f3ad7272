/**
 * The construct id CDK leaves out of logical IDs. A concern that took over resources a stack used
 * to create directly is mounted under it (at most one per scope), so its resources keep their
 * logical IDs and upgrading an installation replaces nothing: no retained table or bucket left
 * behind, no named secret or function recreated, no cross-stack export changed while in use
 * (test/infra/upgrade.test.ts holds the IDs).
 */
export const IN_PLACE = 'Default';
