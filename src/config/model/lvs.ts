/** Checkers and load balancing: virtual_server(_group), real_server, checker blocks, SSL. */
export interface LvsConfig {
  readonly virtualServers: readonly VirtualServerConfig[];
}

export interface VirtualServerConfig {
  readonly address: string;
}
