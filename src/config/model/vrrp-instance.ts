/** A vrrp_instance as the VRRP engine runs it. */
export interface VrrpInstanceConfig {
  readonly name: string;
}
