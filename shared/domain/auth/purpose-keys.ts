/** A key derived for one purpose (sealing login transactions, signing list cursors), named by its ring key's id. */
export interface PurposeKey {
  readonly id: string;
  readonly key: Uint8Array;
}

export interface PurposeKeys {
  /** The key to seal with: see currentKey (a new ring key seals only once every reader has it). */
  readonly current: PurposeKey;
  /**
   * The key a sealed value names, if the ring lists it. An id the cached ring lacks re-reads the
   * ring past every cache before giving up: the ring may have changed since this function read it
   * (a reset, a secret put by hand).
   */
  find(id: string): Promise<PurposeKey | undefined>;
}
