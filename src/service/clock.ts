export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `start` and then advances by `stepMs` per reading: repeatable test runs. */
export function fixedClock(start: Date | string, stepMs = 0): Clock {
  let current = new Date(start).getTime();
  return {
    now: () => {
      const reading = new Date(current);
      current += stepMs;
      return reading;
    },
  };
}
