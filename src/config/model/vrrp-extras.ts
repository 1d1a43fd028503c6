/** vrrp_script, vrrp_track_process, sync groups, static addresses/routes/rules, ... */
// biome-ignore lint/complexity/noBannedTypes: filled in as the section is built
export type VrrpExtrasConfig = {};
