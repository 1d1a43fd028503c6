/** bfd_instance blocks. */
export interface BfdConfig {
  readonly instances: readonly BfdInstanceConfig[];
}

export interface BfdInstanceConfig {
  readonly name: string;
}
