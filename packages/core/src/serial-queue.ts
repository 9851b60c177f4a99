// Running async work one piece at a time, in call order: what a shared model context or a session's decisions need.

/** A function that runs each `work` after the previous one settled (a failure does not stop the queue). */
export function serialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
}
