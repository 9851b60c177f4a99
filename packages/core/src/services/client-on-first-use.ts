// Provider SDK clients made on first use, for the generators' and selectors' adapters.

/**
 * A client made on first use, from an SDK module loaded then: importing Loom's adapters loads no provider SDK (the
 * three took about a CPU-second to load together), and a session on one provider loads only that provider's.
 * A failed load is not kept: the next call tries again.
 */
export function clientOnFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = null;
      throw error;
    });
    return made;
  };
}
