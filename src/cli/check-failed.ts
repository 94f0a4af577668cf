/**
 * A check the user asked for said no (a log that does not verify, later a blocked gate): the
 * command has printed why, and exits 1. Not an error of the command itself.
 */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}
