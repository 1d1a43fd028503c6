/** global_defs and the other process-wide root keywords (net_namespace, instance, ...). */
export interface GlobalDefs {
  readonly routerId: string | undefined;
}
