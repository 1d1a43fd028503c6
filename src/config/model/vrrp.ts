/** VRRP: instances, sync groups, scripts, tracked processes, static addresses/routes/rules. */
export interface VrrpConfig {
  readonly instances: readonly VrrpInstanceConfig[];
}

export interface VrrpInstanceConfig {
  readonly name: string;
}
